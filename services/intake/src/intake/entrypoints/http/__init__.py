"""The HTTP way in: `POST /v1/reports` with a partner's bearer token, and a JSON object, a JSON array,
a CSV file or an Excel workbook. The answer names, per report, whether it was accepted or rejected,
and why, and what was left out of an accepted one.

And the way back for partners without Kafka: `GET /v1/rejections` and `GET /v1/feedback` return,
with the same token, what the partner's rejections and feedback topics carry, newest first, a page
at a time, only the partner's own."""

from __future__ import annotations

import io
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from vroeg_contracts.partner_messages import ReportAcceptedWithWarnings, ReportFeedback, ReportRejected
from vroeg_contracts.partner_report import PartnerReportV1
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.staff_auth import TokenDirectory
from vroeg_runtime.unit_of_work import UnitOfWork, pooled_unit_of_work, unit_of_work

from ...adapters.incoming import CSV, XLSX, IncomingReport, csv_reports, json_reports, xlsx_reports
from ...domain.paging import BadCursor, Page
from ...domain.partners import Partner
from ...handlers.dependencies import IntakeDependencies
from ...handlers.partner_answers import feedback_page, rejections_page
from ...handlers.take_report import Sent, take_report
from .partner_limits import RESPONSES as LIMIT_RESPONSES
from .partner_limits import PartnerLimits
from .upload import read_body

CSV_TYPES = {"text/csv", "application/csv"}
XLSX_TYPES = {XLSX}
JSON_TYPES = {"application/json", ""}
# Reasons that concern the body as a whole: the request is answered with 400 (and still stored).
BODY_FIELDS = {"(body)", "(header)"}

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="The partner's token, as issued by the municipality.")


class Reason(BaseModel):
    field: str
    reason: str


class ReportAnswer(BaseModel):
    index: int  # the report's place in the request, from 0
    line: int | None = None  # for CSV: the row's line in the body (the header is line 1)
    report_id: str | None
    status: Literal["accepted", "rejected"]
    change: Literal["new", "updated", "duplicate"] | None = None
    reasons: list[Reason] = []  # rejected: every problem, by field
    warnings: list[Reason] = []  # accepted: the optional fields left out (an invalid phone or e-mail), and why
    rejection_id: uuid.UUID | None = None


class ReportsAnswer(BaseModel):
    request_id: uuid.UUID
    partner_id: str
    accepted: int
    rejected: int
    reports: list[ReportAnswer]


class Problem(BaseModel):
    detail: str


class RejectionsPage(BaseModel):
    partner_id: str
    # The messages of the partner's rejections topic: each rejection (as first refused, with the
    # reasons that stand now) and the warnings of each report accepted without a field.
    items: list[Annotated[ReportRejected | ReportAcceptedWithWarnings, Field(discriminator="message_type")]]
    next_cursor: str | None  # pass as `cursor` for the next (older) page; null on the last page


class FeedbackPage(BaseModel):
    partner_id: str
    items: list[ReportFeedback]  # per report only picked_up or not_picked_up, never why
    next_cursor: str | None


PAGE_LIMIT = Query(100, ge=1, le=1000, description="the most items on one page")
CURSOR = Query(None, max_length=500, description="`next_cursor` of the page before; leave out for the newest")


REQUEST_BODY = {
    "required": True,
    "description": "One report (a JSON object, nested or flat), an array of reports, a CSV file, or an Excel"
                   " workbook (.xlsx) with the CSV file's columns.",
    "content": {
        "application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/PartnerReportV1"},
            {"type": "array", "items": {"$ref": "#/components/schemas/PartnerReportV1"}},
        ]}},
        "text/csv": {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    },
}


def register(app: FastAPI, runtime: ServiceRuntime, deps: IntakeDependencies) -> None:
    """Add the reports API to the service's app, and the contract's schema to its OpenAPI document."""
    limits = PartnerLimits(deps.settings)  # per partner: a flood is answered 429, to that partner only
    limits.install(app)
    app.include_router(_router(runtime, deps, limits))
    app.include_router(_answers_router(runtime, deps, limits))
    _document_contract(app)


def _partner_of(tokens: TokenDirectory[Partner]) -> Callable[..., Partner]:
    """A dependency that returns the partner whose bearer token came with the request, or answers 401."""

    def authenticated(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Partner:
        # The token itself is never logged nor echoed; only its hash is compared.
        if credentials is None:
            raise HTTPException(401, "missing bearer token: send `Authorization: Bearer <partner token>`",
                                headers={"WWW-Authenticate": "Bearer"})
        partner = tokens.identify(credentials.credentials)
        if partner is None:
            raise HTTPException(401, "unknown bearer token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return partner

    return authenticated


def _router(runtime: ServiceRuntime, deps: IntakeDependencies, limits: PartnerLimits) -> APIRouter:
    router = APIRouter(tags=["reports"])
    authenticated = limits.admitting(_partner_of(deps.partner_tokens), posts_reports=True)

    @router.post(
        "/v1/reports", response_model=ReportsAnswer, openapi_extra={"requestBody": REQUEST_BODY},
        summary="Deliver arrears reports",
        responses={400: {"model": ReportsAnswer, "description": "The body as a whole could not be read"},
                   401: {"model": Problem}, 413: {"model": Problem}, 415: {"model": Problem}, **LIMIT_RESPONSES},
    )
    async def post_reports(request: Request, partner: Partner = Depends(authenticated)) -> JSONResponse:
        settings = deps.settings
        body = await read_body(request, settings.http_max_body_bytes)  # 413 as soon as it is too large
        reports = _reports_in(body, request.headers.get("content-type", ""))
        if len(reports) > settings.http_max_reports:
            raise HTTPException(413, f"more than {settings.http_max_reports} reports in one request: split the "
                                     "delivery, or import it as a CSV file")
        limits.charge(partner, len(reports))  # 429, and none of them taken, when they are more than are left
        request_id = uuid.uuid4()
        answers = []
        async with runtime.db.acquire() as conn:
            for index, incoming in enumerate(reports):
                async with unit_of_work(conn) as uow:  # each report on its own: one bad report spoils no other
                    outcome = await take_report(uow, deps, Sent(incoming, partner.id, f"http:{request_id}:{index}"),
                                                channel="http")
                line = incoming.position if incoming.media_type in (CSV, XLSX) else None
                answers.append(ReportAnswer(index=index, line=line, **outcome.as_dict()))
        answer = ReportsAnswer(request_id=request_id, partner_id=partner.id, reports=answers,
                               accepted=sum(a.status == "accepted" for a in answers),
                               rejected=sum(a.status == "rejected" for a in answers))
        unreadable = any(r.field in BODY_FIELDS for a in answers for r in a.reasons)
        return JSONResponse(answer.model_dump(mode="json"), status_code=400 if unreadable else 200,
                            headers={"X-Request-Id": str(request_id)})

    return router


def _answers_router(runtime: ServiceRuntime, deps: IntakeDependencies, limits: PartnerLimits) -> APIRouter:
    router = APIRouter(tags=["answers"])
    authenticated = limits.admitting(_partner_of(deps.partner_tokens))
    bad_cursor = {400: {"model": Problem, "description": "A cursor that was not handed out"}, 401: {"model": Problem},
                  **LIMIT_RESPONSES}

    async def page_of(read: Callable[[UnitOfWork, str, str | None, int], Awaitable[Page[T]]], partner: Partner,
                      cursor: str | None, limit: int) -> Page[T]:
        async with pooled_unit_of_work(runtime.db) as uow:
            try:
                return await read(uow, partner.id, cursor, limit)
            except BadCursor as error:
                raise HTTPException(400, f"cursor: {error}") from error

    @router.get("/v1/rejections", response_model=RejectionsPage, responses=bad_cursor,
                summary="Read your rejections and warnings, newest first")
    async def get_rejections(partner: Partner = Depends(authenticated), cursor: str | None = CURSOR,
                             limit: int = PAGE_LIMIT) -> RejectionsPage:
        page = await page_of(rejections_page, partner, cursor, limit)
        return RejectionsPage(partner_id=partner.id, items=page.items, next_cursor=page.next_cursor)

    @router.get("/v1/feedback", response_model=FeedbackPage, responses=bad_cursor,
                summary="Read whether your reports were picked up, newest first")
    async def get_feedback(partner: Partner = Depends(authenticated), cursor: str | None = CURSOR,
                           limit: int = PAGE_LIMIT) -> FeedbackPage:
        page = await page_of(feedback_page, partner, cursor, limit)
        return FeedbackPage(partner_id=partner.id, items=page.items, next_cursor=page.next_cursor)

    return router


def _reports_in(body: bytes, content_type: str) -> list[IncomingReport]:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in CSV_TYPES:
        return list(csv_reports(io.BytesIO(body)))
    if media_type in XLSX_TYPES:
        return list(xlsx_reports(io.BytesIO(body)))
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return json_reports(body)
    raise HTTPException(415, f"send application/json (a report or an array of reports), text/csv or {XLSX}")


def _document_contract(app: FastAPI) -> None:
    """Put the partner report's JSON Schema into the OpenAPI document, where REQUEST_BODY points."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            contract = PartnerReportV1.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(contract.pop("$defs", {}))
            components["PartnerReportV1"] = contract
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
