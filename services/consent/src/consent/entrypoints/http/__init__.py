"""The staff HTTP API: consents, grants, erasure requests and the audit trail (routes.py), with staff
authentication (auth.py) and the request and response bodies (schemas.py)."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from vroeg_runtime.service import ServiceRuntime

from ...handlers.dependencies import ConsentDependencies
from .routes import router


def register(app: FastAPI, runtime: ServiceRuntime, deps: ConsentDependencies) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
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
