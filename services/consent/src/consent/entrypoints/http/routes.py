"""The staff API's routes. Each route parses, pseudonymises what identifies a resident, and hands on
to one handler in one unit of work (its own transaction). The handlers keep staff to their own
municipalities; what they refuse is answered here exactly as "not found" (see __init__.py)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.pseudonyms import UnknownMunicipality
from ...domain.consents import ConsentError
from ...domain.staff import (CHANGE_CONSENT, READ_AUDIT, READ_CONSENT, READ_ERASURE, REQUEST_ERASURE, Role,
                             StaffMember)
from ...handlers import audit, consents, erasure, sharing
from ...handlers.dependencies import ConsentDependencies
from .auth import roles_text, staff_guard
from .schemas import (AccessExportOut, AuditEntryOut, ChainReportOut, ConsentList, ConsentOut, ErasureRequestList,
                      ErasureRequestOut, GrantOut, MunicipalityCode, PersonRef, Refusal, RegisterConsent,
                      RequestErasure, ValidationProblems, WithdrawalOut, WithdrawConsent)

NOT_JSON = "the body is not valid JSON"
# What "not found" says, per kind of thing; a refusal outside the caller's municipalities says the same.
NOT_FOUND = {"consent": "consent_id: no such consent", "grant": "request_id: no grant for this request",
             "erasure_request": "request_id: no such erasure request"}
NO_MUNICIPALITY = "municipality_code: not found"  # a municipality the caller does not serve


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


def router(runtime: ServiceRuntime, deps: ConsentDependencies) -> APIRouter:  # noqa: C901 - one closure per route
    routes = APIRouter(prefix="/v1")
    allow = staff_guard(deps.staff)

    def person_key(person: PersonRef) -> str:
        try:
            return deps.pseudonyms.person_key(person.municipality_code, person.bsn)
        except UnknownMunicipality as error:
            raise _unprocessable("municipality_code", str(error)) from None

    @routes.post("/consents", status_code=status.HTTP_201_CREATED, tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Register a resident's consent", status_400=NOT_JSON,
                            status_404=NO_MUNICIPALITY))
    async def register_consent(body: RegisterConsent,
                               staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> ConsentOut:
        key = person_key(body)
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                registered = await consents.register_consent(
                    uow, municipality_code=body.municipality_code, person_key=key, recipient=body.recipient,
                    purpose=body.purpose, data_categories=body.data_categories, given_at=body.given_at,
                    valid_until=body.valid_until, channel=body.channel, staff=staff)
        except ConsentError as error:
            raise _unprocessable(error.field, error.reason) from None
        return ConsentOut.of(registered)

    @routes.post("/consents/{consent_id}/withdrawal", tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Withdraw a consent; its unused grants are revoked",
                            status_400=NOT_JSON, status_404=NOT_FOUND["consent"], status_409="already withdrawn"))
    async def withdraw_consent(consent_id: uuid.UUID, body: WithdrawConsent,
                               staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> WithdrawalOut:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                result = await consents.withdraw_consent(uow, consent_id, channel=body.channel, staff=staff)
        except ConsentError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
        if result is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND["consent"])
        withdrawn, revoked = result
        return WithdrawalOut(consent=ConsentOut.of(withdrawn), revoked_grants=[g.request_id for g in revoked])

    @routes.post("/consents/search", tags=["consents"],
                 **_guarded(READ_CONSENT, "List a resident's consents (the BSN goes in the body, never in the URL)",
                            status_400=NOT_JSON, status_404=NO_MUNICIPALITY))
    async def search_consents(body: PersonRef, staff: StaffMember = Depends(allow(READ_CONSENT))) -> ConsentList:
        key = person_key(body)
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await consents.consents_of_person(uow, body.municipality_code, key, staff)
        return ConsentList(consents=[ConsentOut.of(c) for c in found])

    @routes.post("/grants/{request_id}/use", tags=["consents"],
                 **_guarded(CHANGE_CONSENT, "Confirm that data was sent under a grant (it can no longer be revoked)",
                            status_404=NOT_FOUND["grant"], status_409="revoked or used before"))
    async def use_grant(request_id: uuid.UUID, staff: StaffMember = Depends(allow(CHANGE_CONSENT))) -> GrantOut:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                grant = await sharing.confirm_grant_used(uow, request_id, staff)
        except ConsentError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
        if grant is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND["grant"])
        return GrantOut.of(grant)

    @routes.post("/erasure-requests", status_code=status.HTTP_202_ACCEPTED, tags=["erasure"],
                 **_guarded(REQUEST_ERASURE, "Ask every service to erase a household's data", status_400=NOT_JSON,
                            status_404=NO_MUNICIPALITY))
    async def request_erasure(body: RequestErasure,
                              staff: StaffMember = Depends(allow(REQUEST_ERASURE))) -> ErasureRequestOut:
        try:
            household_key = deps.pseudonyms.household_key(body.municipality_code, body.postcode, body.house_number,
                                                          body.house_letter, body.house_number_addition)
            person = deps.pseudonyms.person_key(body.municipality_code, body.bsn) if body.bsn else None
        except UnknownMunicipality as error:
            raise _unprocessable("municipality_code", str(error)) from None
        async with pooled_unit_of_work(runtime.db) as uow:
            request = await erasure.request_erasure(
                uow, municipality_code=body.municipality_code, household_key=household_key, person_key=person,
                reason=body.reason, expected_services=deps.settings.erasure_services, staff=staff)
        return ErasureRequestOut.of(request)

    @routes.get("/erasure-requests", tags=["erasure"],
                **_guarded(READ_ERASURE, "Erasure requests of the caller's municipalities (or of one of them), "
                                         "newest first, with each service's answer or pending",
                           status_404=NO_MUNICIPALITY))
    async def list_erasure_requests(
        status_filter: Literal["pending", "complete"] | None = Query(default=None, alias="status"),
        municipality_code: MunicipalityCode | None = Query(default=None),
        limit: int = Query(default=100, ge=1, le=1000),
        staff: StaffMember = Depends(allow(READ_ERASURE)),
    ) -> ErasureRequestList:
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await erasure.erasure_requests(uow, staff=staff, municipality_code=municipality_code,
                                                   status=status_filter, limit=limit)
        return ErasureRequestList(requests=[ErasureRequestOut.of(r) for r in found])

    @routes.get("/erasure-requests/{request_id}", tags=["erasure"],
                **_guarded(READ_ERASURE, "One erasure request and its receipts",
                           status_404=NOT_FOUND["erasure_request"]))
    async def get_erasure_request(request_id: uuid.UUID,
                                  staff: StaffMember = Depends(allow(READ_ERASURE))) -> ErasureRequestOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await erasure.erasure_request(uow, request_id, staff)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND["erasure_request"])
        return ErasureRequestOut.of(found)

    @routes.get("/audit/verification", tags=["audit"],
                **_guarded(READ_AUDIT, "Check the audit chain from its first entry"))
    async def verify_audit_chain(_: StaffMember = Depends(allow(READ_AUDIT))) -> ChainReportOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            return ChainReportOut.of(await audit.verify_chain(uow))

    @routes.post("/audit/access-requests", tags=["audit"],
                 **_guarded(READ_AUDIT, "Everything consent recorded about one resident (AVG art. 15), "
                                        "with a summary in plain Dutch", status_400=NOT_JSON,
                            status_404=NO_MUNICIPALITY))
    async def export_access_request(body: PersonRef,
                                    staff: StaffMember = Depends(allow(READ_AUDIT))) -> AccessExportOut:
        key = person_key(body)
        async with pooled_unit_of_work(runtime.db) as uow:
            export = await audit.export_for_person(uow, body.municipality_code, key, staff)
        return AccessExportOut(generated_at=export.generated_at, summary_nl=export.summary_nl,
                               consents=[ConsentOut.of(c) for c in export.consents],
                               entries=[AuditEntryOut.of(e) for e in export.entries])

    return routes
