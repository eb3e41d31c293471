"""The CBS pull API (DDAS-VS.yaml): `POST /gegevens`, an app of its own that outreach serves on its
own port over mutual TLS (server.py). It parses the request and hands it to handlers/cbs_pull.py;
problems.py turns refusals into the problem details the specification lists."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...handlers.cbs_pull import (
    CbsPullDependencies,
    FscHeaders,
    PullQuery,
    PullRefused,
    Refusal,
    authenticate,
    pull,
    signed_headers,
)
from .problems import BAD_REQUEST, METHOD_NOT_ALLOWED, NOT_FOUND, UNAVAILABLE, problem, refused

log = structlog.get_logger(__name__)


class GegevensRequest(BaseModel):
    """DDAS-VS.yaml's GegevensRequest: every member optional, nothing else allowed."""

    model_config = ConfigDict(extra="forbid", strict=True)

    aanleverperiodeStartdatum: date | None = None
    aanleverperiodeEinddatum: date | None = None
    aanleverendeOrganisatie: str | None = None
    page: Annotated[int, Field(ge=1)] | None = None
    pageSize: Annotated[int, Field(ge=1)] | None = None


def bearer(request: Request) -> str | None:
    """The access token: `Authorization: Bearer …` (the specification's OAuth2 scheme)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def parse(body: bytes) -> PullQuery:
    """The query of a GegevensRequest body; raises ValueError naming what does not fit (400), and
    PullRefused for a request without its period (422)."""
    try:
        request = GegevensRequest.model_validate_json(body or b"null")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ValueError(f"{where}: {first['msg']}") from None
    for name in ("aanleverperiodeStartdatum", "aanleverperiodeEinddatum"):
        if getattr(request, name) is None:
            # Well-formed, but nothing can be delivered without a period.
            raise PullRefused(Refusal.PERIOD_INVALID, f"{name}: the period is required")
    assert request.aanleverperiodeStartdatum is not None and request.aanleverperiodeEinddatum is not None
    return PullQuery(request.aanleverperiodeStartdatum, request.aanleverperiodeEinddatum,
                     request.aanleverendeOrganisatie, request.page, request.pageSize)


def create_app(runtime: ServiceRuntime, deps: CbsPullDependencies) -> FastAPI:
    app = FastAPI(title="Vroeg outreach: DDAS pull API for CBS", openapi_url=None, docs_url=None, redoc_url=None)

    @app.exception_handler(StarletteHTTPException)
    async def not_here(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 405:
            return problem(METHOD_NOT_ALLOWED, f"{request.method} is not supported here; use POST",
                           slug="method-unsupported", instance=request.url.path, headers={"Allow": "POST"})
        return problem(NOT_FOUND, "this service offers POST /gegevens only", slug="not-found",
                       instance=request.url.path)

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> Response:
        log.exception("cbs_pull_failed")
        return problem(UNAVAILABLE, "the service could not answer", slug="unavailable", instance=request.url.path)

    @app.post("/gegevens")
    async def gegevens(request: Request) -> Response:
        body = await request.body()
        now = datetime.now(UTC)
        try:
            caller = authenticate(body, token=bearer(request), digest=request.headers.get("digest"),
                                  signature=request.headers.get("nlgov-adr-payload-sig"), deps=deps, now=now)
            try:
                query = parse(body)
            except ValueError as error:
                return problem(BAD_REQUEST, str(error), slug="bad-request")
            fsc = FscHeaders(request.headers.get("fsc-authorization"), request.headers.get("fsc-transaction-id"))
            async with pooled_unit_of_work(runtime.db) as uow:
                answer = await pull(uow, query, caller, fsc, deps, now)
        except PullRefused as error:
            log.info("cbs_pull_refused", refusal=error.refusal.value)
            return refused(error.refusal, error.detail)
        content = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(content, media_type="application/json", headers=signed_headers(content, deps))

    return app
