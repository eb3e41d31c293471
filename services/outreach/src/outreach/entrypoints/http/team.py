"""The team's API: the worklist, the case list and case page, and registering contact attempts and
outcomes. Every read of case data is written to the audit log (by the use cases)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from vroeg_contracts.privacy import ContactDetails
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.staff_directory import Staff
from ...domain.calendar import AMSTERDAM
from ...domain.case import reference
from ...domain.names import full_name
from ...domain.referral import Referral
from ...handlers.dependencies import OutreachDependencies
from ...handlers.read_cases import case_list
from ...handlers.read_cases import case_page as read_case_page
from ...handlers.record_outcome import record_outcome as close_with_outcome
from ...handlers.register_attempt import NewAttempt
from ...handlers.register_attempt import register_attempt as register_new_attempt
from ...handlers.worklist import worklist as worklist_of_day
from .auth import allow, reader, roles_note
from .errors import CASE_ERRORS, refused
from .models import (
    AttemptIn,
    AttemptOut,
    CasePageOut,
    CaseSummaryOut,
    ContactOut,
    OutcomeIn,
    OutcomeOut,
    WorklistOut,
)

CASE_FIELDS = ("case_id", "status", "outcome", "closed_by", "intensity", "action", "rule", "municipality_code",
               "opened_at", "closed_at", "matched_on", "window_start", "window_end")


def contact_out(contact: ContactDetails) -> ContactOut:
    name = full_name(contact.initials, contact.prefix, contact.surname) or None
    number = f"{contact.house_number or ''}{contact.house_letter or ''}"
    number += f"-{contact.house_number_addition}" if contact.house_number_addition else ""
    street = " ".join(p for p in (contact.street, number) if p)
    place = " ".join(p for p in (contact.postcode, contact.city) if p)
    address = ", ".join(p for p in (street, place) if p) or None
    return ContactOut(name=name, phone=contact.phone, email=contact.email, address=address, bsn=contact.bsn,
                      birth_date=contact.birth_date)


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["team"])
    team = allow(deps.staff, "caseworker", "supervisor")
    readers = allow(deps.staff, "caseworker", "supervisor", "auditor")

    @api.get("/worklist", response_model=WorklistOut, description=roles_note("caseworker", "supervisor") +
             " The calls and visits due on `day` (default today) and still open from before, by DDAS day part.")
    async def worklist(day: dt.date | None = Query(default=None, description="YYYY-MM-DD; default today"),
                       staff: Staff = Depends(team)) -> WorklistOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await worklist_of_day(uow, day or dt.datetime.now(AMSTERDAM).date(), reader=reader(staff))
        parts = {part: [{"case_id": i.entry.case_id, "reference": reference(i.entry.case_id),
                         "activity": i.entry.activity, "due_at": i.entry.due_at, "announced": i.entry.announced,
                         "overdue": i.overdue, "intensity": i.entry.intensity,
                         "unreached_attempts": i.entry.unreached_attempts,
                         "contact": contact_out(found.contacts[i.entry.case_id])} for i in items]
                 for part, items in found.worklist.parts.items()}
        return WorklistOut.model_validate({"day": found.day, "parts": parts,
                                           "total": sum(len(v) for v in parts.values())})

    @api.get("/cases", response_model=list[CaseSummaryOut], description=roles_note("caseworker", "supervisor", "auditor")
             + " Cases, newest first, without contact details.")
    async def cases(status: str | None = Query(default=None, pattern="^(open|closed)$"),
                    limit: int = Query(default=100, ge=1, le=500),
                    offset: int = Query(default=0, ge=0, le=1_000_000),
                    staff: Staff = Depends(readers)) -> list[dict[str, Any]]:
        async with pooled_unit_of_work(runtime.db) as uow:
            rows = await case_list(uow, status=status, limit=limit, offset=offset, reader=reader(staff))
        return [{**r, "reference": reference(r["case_id"])} for r in rows]

    @api.get("/cases/{case_id}", response_model=CasePageOut,
             description=roles_note("caseworker", "supervisor", "auditor")
             + " The case page: signals, letters, attempts, plan, referrals and timeline. Contact details only"
               " for caseworkers and supervisors.")
    async def case_page(case_id: uuid.UUID, staff: Staff = Depends(readers)) -> dict[str, Any]:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                page = await read_case_page(uow, case_id, reader=reader(staff))
        except CASE_ERRORS as error:
            raise await refused(runtime, reader(staff), error, "GET /v1/cases/{case_id}") from None
        if page is None:
            raise HTTPException(404, "no such case")
        case, contact = page.pop("case"), page.pop("contact")
        return {**{k: case[k] for k in CASE_FIELDS}, "reference": reference(case_id),
                "contact": contact_out(contact) if contact is not None else None, **page}

    @api.post("/cases/{case_id}/attempts", response_model=AttemptOut, status_code=201,
              description=roles_note("caseworker", "supervisor") + " Register a contact attempt. After "
              "the configured number of unreached attempts (3) the case closes by itself as `Definitief geen "
              "contact kunnen krijgen`; an unreached call or visit is tried again a working day later.")
    async def register_attempt(case_id: uuid.UUID, body: AttemptIn, staff: Staff = Depends(team)) -> AttemptOut:
        attempt = NewAttempt(body.kind, body.reached, body.date, body.day_part)
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                result = await register_new_attempt(uow, case_id, attempt, reader=reader(staff), deps=deps)
        except CASE_ERRORS as error:
            raise await refused(runtime, reader(staff), error, "POST /v1/cases/{case_id}/attempts") from None
        return AttemptOut.model_validate(result, from_attributes=True)

    @api.post("/cases/{case_id}/outcome", response_model=OutcomeOut,
              description=roles_note("caseworker", "supervisor") + " Record the outcome (DDAS EnumEindresultaat) "
              "and close the case. A referral (only with `Vervolghulp en/of verwijzing …`) is sent after consent, "
              "with only the granted data.")
    async def record_outcome(case_id: uuid.UUID, body: OutcomeIn, staff: Staff = Depends(team)) -> OutcomeOut:
        referral = (Referral(uuid.uuid4(), body.referral.recipient, body.referral.purpose,
                             tuple(body.referral.data_categories)) if body.referral else None)
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                request_id = await close_with_outcome(uow, case_id, body.outcome, reader=reader(staff),
                                                      referral=referral)
        except CASE_ERRORS as error:
            raise await refused(runtime, reader(staff), error, "POST /v1/cases/{case_id}/outcome") from None
        return OutcomeOut(case_id=case_id, status="closed", outcome=body.outcome, referral_request_id=request_id)

    return api
