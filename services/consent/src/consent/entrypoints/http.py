"""The staff HTTP API: consents, grants, erasure requests and the audit trail. Each route parses,
pseudonymises what identifies a resident, and hands on to one handler in one transaction."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..adapters.pseudonyms import UnknownMunicipality
from ..domain.consents import ConsentError
from ..domain.staff import (CHANGE_CONSENT, READ_AUDIT, READ_CONSENT, READ_ERASURE, REQUEST_ERASURE, Role,
                            StaffMember)
from ..handlers import audit, consents, erasure, sharing
from .http_auth import roles_text, staff_guard
from .http_schemas import (AccessExportOut, AuditEntryOut, ChainReportOut, ConsentList, ConsentOut,
                           ErasureRequestList, ErasureRequestOut, GrantOut, PersonRef, Refusal, RegisterConsent,
                           RequestErasure, ValidationProblems, WithdrawalOut, WithdrawConsent)

if TYPE_CHECKING:
    from ..bootstrap import ConsentService


NOT_JSON = "the body is not valid JSON"


def _guarded(roles: frozenset[Role], summary: str, **responses: str) -> dict[str, Any]:
    """Route options: the summary, the roles that may call it (stated in the OpenAPI document too), and
    the answers besides success, each with its body's shape."""
    answers: dict[int | str, dict[str, Any]] = {
        401: {"model": Refusal, "description": "no valid staff token"},
        403: {"model": Refusal, "description": f"the caller's role is not one of: {roles_text(roles)}"},
        422: {"model": ValidationProblems, "description": "a field is invalid; each problem names it"},
    }
    for code, description in responses.items():
        answers[int(code.removeprefix("status_"))] = {"model": Refusal, "description": description}
    return {"summary": summary, "description": f"Roles: {roles_text(roles)}.", "responses": answers,
            "openapi_extra": {"x-roles": sorted(roles)}}


def _unprocessable(field: str, reason: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [{"field": field, "reason": reason}])


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    """422 with the field and the reason for each problem, and never the input (it may be a BSN)."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"][1:]] or [str(problem["loc"][0])]
        problems.append({"field": ".".join(location) if problem["loc"][1:] else "(body)",
                         "reason": str(problem["msg"]).removeprefix("Value error, ")})
    return JSONResponse({"detail": problems}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def register(app: FastAPI, consent: ConsentService) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(_router(consent))


def _router(consent: ConsentService) -> APIRouter:  # noqa: C901 - one closure per route, nothing more
    router = APIRouter(prefix="/v1")
    allow = staff_guard(consent.staff)

    @contextlib.asynccontextmanager
    async def transaction() -> AsyncIterator[asyncpg.Connection]:
        async with consent.runtime.db.acquire() as conn, conn.transaction():
            yield conn

    @contextlib.asynccontextmanager
    async def snapshot() -> AsyncIterator[asyncpg.Connection]:
        # One snapshot for every statement of a read: an erasure request and its receipts are two
        # queries, and between them a last receipt may complete the request. Under read committed the
        # answer could then say "complete" with no completion time.
        async with consent.runtime.db.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            yield conn

    def person_key(person: PersonRef) -> str:
        try:
            return consent.pseudonyms.person_key(person.municipality_code, person.bsn)
        except UnknownMunicipality as error:
            raise _unprocessable("municipality_code", str(error)) from None

    @router.post("/consents", status_code=status.HTTP_201_CREATED, tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Register a resident's consent", status_400=NOT_JSON))
    async def register_consent(body: RegisterConsent,
                               staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> ConsentOut:
        key = person_key(body)
        try:
            async with transaction() as conn:
                registered = await consents.register_consent(
                    conn, person_key=key, recipient=body.recipient, purpose=body.purpose,
                    data_categories=body.data_categories, given_at=body.given_at, valid_until=body.valid_until,
                    channel=body.channel, staff=staff)
        except ConsentError as error:
            raise _unprocessable(error.field, error.reason) from None
        return ConsentOut.of(registered)

    @router.post("/consents/{consent_id}/withdrawal", tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Withdraw a consent; its unused grants are revoked",
                            status_400=NOT_JSON, status_404="no such consent", status_409="already withdrawn"))
    async def withdraw_consent(consent_id: uuid.UUID, body: WithdrawConsent,
                               staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> WithdrawalOut:
        try:
            async with transaction() as conn:
                result = await consents.withdraw_consent(conn, consent_id, channel=body.channel, staff=staff)
        except ConsentError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
        if result is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "consent_id: no such consent")
        withdrawn, revoked = result
        return WithdrawalOut(consent=ConsentOut.of(withdrawn), revoked_grants=[g.request_id for g in revoked])

    @router.post("/consents/search", tags=["consents"],
                 **_guarded(READ_CONSENT, "List a resident's consents (the BSN goes in the body, never in the URL)",
                            status_400=NOT_JSON))
    async def search_consents(body: PersonRef, staff: StaffMember = Depends(allow(READ_CONSENT))) -> ConsentList:
        key = person_key(body)
        async with transaction() as conn:
            found = await consents.consents_of_person(conn, key, staff)
        return ConsentList(consents=[ConsentOut.of(c) for c in found])

    @router.post("/grants/{request_id}/use", tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Confirm that data was sent under a grant (it can no longer be revoked)",
                            status_404="no grant for this request", status_409="revoked or used before"))
    async def use_grant(request_id: uuid.UUID, staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> GrantOut:
        try:
            async with transaction() as conn:
                grant = await sharing.confirm_grant_used(conn, request_id, staff)
        except ConsentError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
        if grant is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "request_id: no grant for this request")
        return GrantOut.of(grant)

    @router.post("/erasure-requests", status_code=status.HTTP_202_ACCEPTED, tags=["erasure"],
                 **_guarded(REQUEST_ERASURE, "Ask every service to erase a household's data", status_400=NOT_JSON))
    async def request_erasure(body: RequestErasure,
                              staff: StaffMember = Depends(allow(REQUEST_ERASURE))) -> ErasureRequestOut:
        try:
            household_key = consent.pseudonyms.household_key(body.municipality_code, body.postcode, body.house_number,
                                                             body.house_letter, body.house_number_addition)
            person = consent.pseudonyms.person_key(body.municipality_code, body.bsn) if body.bsn else None
        except UnknownMunicipality as error:
            raise _unprocessable("municipality_code", str(error)) from None
        async with transaction() as conn:
            request = await erasure.request_erasure(
                conn, municipality_code=body.municipality_code, household_key=household_key, person_key=person,
                reason=body.reason, expected_services=consent.settings.erasure_services, staff=staff)
        return ErasureRequestOut.of(request)

    @router.get("/erasure-requests", tags=["erasure"],
                **_guarded(READ_ERASURE, "Erasure requests, newest first, with each service's answer or pending"))
    async def list_erasure_requests(
        status_filter: Literal["pending", "complete"] | None = Query(default=None, alias="status"),
        limit: int = Query(default=100, ge=1, le=1000),
        _: StaffMember = Depends(allow(READ_ERASURE)),
    ) -> ErasureRequestList:
        async with snapshot() as conn:
            found = await erasure.erasure_requests(conn, status=status_filter, limit=limit)
        return ErasureRequestList(requests=[ErasureRequestOut.of(r) for r in found])

    @router.get("/erasure-requests/{request_id}", tags=["erasure"],
                **_guarded(READ_ERASURE, "One erasure request and its receipts", status_404="no such request"))
    async def get_erasure_request(request_id: uuid.UUID,
                                  _: StaffMember = Depends(allow(READ_ERASURE))) -> ErasureRequestOut:
        async with snapshot() as conn:
            found = await erasure.erasure_request(conn, request_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "request_id: no such erasure request")
        return ErasureRequestOut.of(found)

    @router.get("/audit/verification", tags=["audit"],
                **_guarded(READ_AUDIT, "Check the audit chain from its first entry"))
    async def verify_audit_chain(_: StaffMember = Depends(allow(READ_AUDIT))) -> ChainReportOut:
        async with transaction() as conn:
            return ChainReportOut.of(await audit.verify_chain(conn))

    @router.post("/audit/access-requests", tags=["audit"],
                 **_guarded(READ_AUDIT, "Everything consent recorded about one resident (AVG art. 15), "
                                        "with a summary in plain Dutch", status_400=NOT_JSON))
    async def export_access_request(body: PersonRef,
                                    staff: StaffMember = Depends(allow(READ_AUDIT))) -> AccessExportOut:
        key = person_key(body)
        async with transaction() as conn:
            export = await audit.export_for_person(conn, key, staff)
        return AccessExportOut(generated_at=export.generated_at, summary_nl=export.summary_nl,
                               consents=[ConsentOut.of(c) for c in export.consents],
                               entries=[AuditEntryOut.of(e) for e in export.entries])

    return router
