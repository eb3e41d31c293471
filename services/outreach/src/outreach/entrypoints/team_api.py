"""The team's API: the worklist, the case list and case page, and registering contact attempts and
outcomes. Every read of case data is written to the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError

from vroeg_contracts.privacy import ContactDetails

from .. import casework
from ..adapters import audit
from ..adapters.reads import Reads
from ..adapters.staff import Staff
from ..domain.attempts import Attempt, unreached_attempts
from ..domain.calendar import AMSTERDAM
from ..domain.referral import Referral
from ..domain.worklist import arrange
from ..errors import CaseAlreadyClosed, CaseNotFound, InvalidInput
from ..handlers import reference
from .api_models import (
    AttemptIn,
    AttemptOut,
    CasePageOut,
    CaseSummaryOut,
    ContactOut,
    OutcomeIn,
    OutcomeOut,
    WorklistOut,
)
from .auth import allow, reader, roles_note

CONTACT_ROLES = ("caseworker", "supervisor")  # who may see a resident's contact details

if TYPE_CHECKING:
    from ..bootstrap import Outreach


def contact_out(contact: ContactDetails) -> ContactOut:
    name = " ".join(p for p in (contact.initials, contact.prefix, contact.surname) if p) or None
    number = f"{contact.house_number or ''}{contact.house_letter or ''}"
    number += f"-{contact.house_number_addition}" if contact.house_number_addition else ""
    street = " ".join(p for p in (contact.street, number) if p)
    place = " ".join(p for p in (contact.postcode, contact.city) if p)
    address = ", ".join(p for p in (street, place) if p) or None
    return ContactOut(name=name, phone=contact.phone, email=contact.email, address=address, bsn=contact.bsn,
                      birth_date=contact.birth_date)


def invalid(field: str, reason: str, where: str = "body") -> RequestValidationError:
    """A 422 in FastAPI's own shape, for rules only the use case can check."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": reason, "input": None}])


def _case_errors(error: Exception) -> HTTPException | RequestValidationError:
    if isinstance(error, CaseNotFound):
        return HTTPException(404, "no such case")
    if isinstance(error, CaseAlreadyClosed):
        return HTTPException(409, "the case is closed already")
    assert isinstance(error, InvalidInput)
    return invalid(error.field, error.reason)


def router(outreach: Outreach) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["team"])
    staff_dir = outreach.staff
    team = allow(staff_dir, "caseworker", "supervisor")
    readers = allow(staff_dir, "caseworker", "supervisor", "auditor")

    @api.get("/worklist", response_model=WorklistOut, description=roles_note("caseworker", "supervisor") +
             " The calls and visits due on `day` (default today) and still open from before, by DDAS day part.")
    async def worklist(day: dt.date | None = Query(default=None, description="YYYY-MM-DD; default today"),
                       staff: Staff = Depends(team)) -> WorklistOut:
        day = day or dt.datetime.now(AMSTERDAM).date()
        async with outreach.runtime.db.acquire() as conn:
            reads = Reads(conn)
            arranged = arrange(await reads.work_entries(day), day)
            contacts = await reads.contacts(arranged.case_ids())
            await audit.record(conn, reader(staff), "read:worklist", sorted(set(arranged.case_ids())), day.isoformat())
        parts = {part: [{"case_id": i.entry.case_id, "reference": reference(i.entry.case_id),
                         "activity": i.entry.activity, "due_at": i.entry.due_at, "announced": i.entry.announced,
                         "overdue": i.overdue, "intensity": i.entry.intensity,
                         "unreached_attempts": i.entry.unreached_attempts,
                         "contact": contact_out(contacts[i.entry.case_id])} for i in items]
                 for part, items in arranged.parts.items()}
        return WorklistOut.model_validate({"day": day, "parts": parts, "total": sum(len(v) for v in parts.values())})

    @api.get("/cases", response_model=list[CaseSummaryOut], description=roles_note("caseworker", "supervisor", "auditor")
             + " Cases, newest first, without contact details.")
    async def cases(status: str | None = Query(default=None, pattern="^(open|closed)$"),
                    limit: int = Query(default=100, ge=1, le=500),
                    offset: int = Query(default=0, ge=0, le=1_000_000),
                    staff: Staff = Depends(readers)) -> list[dict[str, Any]]:
        async with outreach.runtime.db.acquire() as conn:
            rows = await Reads(conn).case_list(status=status, limit=limit, offset=offset)
            await audit.record(conn, reader(staff), "read:cases", [r["case_id"] for r in rows])
        return [{**r, "reference": reference(r["case_id"])} for r in rows]

    @api.get("/cases/{case_id}", response_model=CasePageOut,
             description=roles_note("caseworker", "supervisor", "auditor")
             + " The case page: signals, letters, attempts, plan, referrals and timeline. Contact details only"
               " for caseworkers and supervisors.")
    async def case_page(case_id: uuid.UUID, staff: Staff = Depends(readers)) -> dict[str, Any]:
        async with outreach.runtime.db.acquire() as conn:
            page = await Reads(conn).case_page(case_id)
            if page is None:
                raise HTTPException(404, "no such case")
            shows_contact = staff.role in CONTACT_ROLES
            await audit.record(conn, reader(staff), "read:case", [case_id],
                               "with contact details" if shows_contact else "without contact details")
        case = page.pop("case")
        contact = page.pop("contact")
        attempts = [Attempt(a["kind"], a["reached"]) for a in page["attempts"]]
        return {**{k: case[k] for k in ("case_id", "status", "outcome", "closed_by", "intensity", "action", "rule",
                                        "municipality_code", "opened_at", "closed_at", "matched_on", "window_start",
                                        "window_end")},
                "reference": reference(case_id), "contact": contact_out(contact) if shows_contact else None,
                "unreached_attempts": unreached_attempts(attempts), **page}

    @api.post("/cases/{case_id}/attempts", response_model=AttemptOut, status_code=201,
              description=roles_note("caseworker", "supervisor") + " Register a contact attempt. After "
              "the configured number of unreached attempts (3) the case closes by itself as `Definitief geen "
              "contact kunnen krijgen`; an unreached call or visit is tried again a working day later.")
    async def register_attempt(case_id: uuid.UUID, body: AttemptIn, staff: Staff = Depends(team)) -> AttemptOut:
        attempt = casework.NewAttempt(body.kind, body.reached, body.date, body.day_part)
        async with outreach.runtime.db.acquire() as conn, conn.transaction():
            try:
                result = await casework.register_attempt(conn, case_id, attempt, staff_id=staff.staff_id,
                                                         deps=outreach.deps)
            except (CaseNotFound, CaseAlreadyClosed, InvalidInput) as error:
                raise _case_errors(error) from None
            await audit.record(conn, reader(staff), "write:attempt", [case_id], body.kind)
        return AttemptOut.model_validate(result, from_attributes=True)

    @api.post("/cases/{case_id}/outcome", response_model=OutcomeOut,
              description=roles_note("caseworker", "supervisor") + " Record the outcome (DDAS EnumEindresultaat) "
              "and close the case. A referral (only with `Vervolghulp en/of verwijzing …`) is sent after consent, "
              "with only the granted data.")
    async def record_outcome(case_id: uuid.UUID, body: OutcomeIn, staff: Staff = Depends(team)) -> OutcomeOut:
        referral = (Referral(uuid.uuid4(), body.referral.recipient, body.referral.purpose,
                             tuple(body.referral.data_categories)) if body.referral else None)
        async with outreach.runtime.db.acquire() as conn, conn.transaction():
            try:
                request_id = await casework.record_outcome(conn, case_id, body.outcome, staff_id=staff.staff_id,
                                                           referral=referral)
            except (CaseNotFound, CaseAlreadyClosed, InvalidInput) as error:
                raise _case_errors(error) from None
            await audit.record(conn, reader(staff), "write:outcome", [case_id], body.outcome)
        return OutcomeOut(case_id=case_id, status="closed", outcome=body.outcome, referral_request_id=request_id)

    return api
