"""How the use cases' refusals reach an HTTP client: 404 for an unknown case (or another
municipality's, which is also written to the audit log), 409 for a closed one, and 422 in FastAPI's
own shape, naming the field, for input only the use case can check."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.audit import Reader
from ...domain.errors import (
    CaseAlreadyClosed,
    CaseNotFound,
    CaseOutOfScope,
    InvalidInput,
    MunicipalityOutOfScope,
)
from ...handlers.refusals import record_refusal

CASE_ERRORS = (CaseNotFound, CaseAlreadyClosed, InvalidInput, MunicipalityOutOfScope)


async def refused(runtime: ServiceRuntime, reader: Reader, error: Exception,
                  what: str) -> HTTPException | RequestValidationError:
    """The answer to a use case's refusal; one for another municipality's data is written down first."""
    if isinstance(error, CaseOutOfScope | MunicipalityOutOfScope):
        async with pooled_unit_of_work(runtime.db) as uow:
            await record_refusal(uow, reader, error, what)
    return case_error(error)


def invalid(field: str, reason: str, where: str = "body") -> RequestValidationError:
    """A 422 in FastAPI's own shape, for rules only the use case can check."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": reason, "input": None}])


def case_error(error: Exception) -> HTTPException | RequestValidationError:
    if isinstance(error, CaseNotFound):
        return HTTPException(404, "no such case")
    if isinstance(error, MunicipalityOutOfScope):
        return HTTPException(404, "no such municipality")
    if isinstance(error, CaseAlreadyClosed):
        return HTTPException(409, "the case is closed already")
    assert isinstance(error, InvalidInput)
    return invalid(error.field, error.reason)
