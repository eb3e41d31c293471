"""The staff HTTP API: consents, grants, erasure requests and the audit trail (routes.py), with staff
authentication (auth.py) and the request and response bodies (schemas.py)."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.scope import OutOfScope
from ...handlers.audit import record_refusal
from ...handlers.dependencies import ConsentDependencies
from .routes import NO_MUNICIPALITY, NOT_FOUND, router

log = structlog.get_logger(__name__)


def register(app: FastAPI, runtime: ServiceRuntime, deps: ConsentDependencies) -> None:
    async def out_of_scope(_: Request, error: Exception) -> JSONResponse:
        """404, word for word what "not found" says (nothing tells whether it exists); the refusal goes
        into the audit log, in a unit of its own (the refused one rolled back), and into the log."""
        assert isinstance(error, OutOfScope)
        async with pooled_unit_of_work(runtime.db) as uow:
            await record_refusal(uow, error)
        log.warning("request_refused_out_of_scope", staff_id=error.staff_id, refused=error.what,
                    municipality_code=error.municipality_code,
                    record_id=str(error.record_id) if error.record_id else None)
        detail = NOT_FOUND[error.what] if error.record_id else NO_MUNICIPALITY
        return JSONResponse({"detail": detail}, status_code=status.HTTP_404_NOT_FOUND)

    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OutOfScope, out_of_scope)
    app.include_router(router(runtime, deps))


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    """422 with the field and the reason for each problem, and never the input (it may be a BSN)."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"][1:]] or [str(problem["loc"][0])]
        problems.append({"field": ".".join(location) if problem["loc"][1:] else "(body)",
                         "reason": str(problem["msg"]).removeprefix("Value error, ")})
    return JSONResponse({"detail": problems}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
