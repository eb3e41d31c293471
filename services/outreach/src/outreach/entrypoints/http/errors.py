"""How the use cases' refusals reach an HTTP client: 404 for an unknown case, 409 for a closed one,
and 422 in FastAPI's own shape, naming the field, for input only the use case can check."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError

from ...domain.errors import CaseAlreadyClosed, CaseNotFound, InvalidInput

CASE_ERRORS = (CaseNotFound, CaseAlreadyClosed, InvalidInput)


def invalid(field: str, reason: str, where: str = "body") -> RequestValidationError:
    """A 422 in FastAPI's own shape, for rules only the use case can check."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": reason, "input": None}])


def case_error(error: Exception) -> HTTPException | RequestValidationError:
    if isinstance(error, CaseNotFound):
        return HTTPException(404, "no such case")
    if isinstance(error, CaseAlreadyClosed):
        return HTTPException(409, "the case is closed already")
    assert isinstance(error, InvalidInput)
    return invalid(error.field, error.reason)
