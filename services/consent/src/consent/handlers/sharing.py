"""Sharing: decide a data-share request and announce the decision; confirm that a grant was used."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..config import SERVICE
from ..domain.audit import Record
from ..domain.gate import ShareDecision, decide
from ..domain.grants import Grant
from ..domain.scope import require_in_scope
from ..domain.staff import StaffMember


async def decide_share(uow: UnitOfWork, envelope: Envelope[DataShareRequested]) -> ShareDecision | None:
    """Grant (only the permitted fields) or deny; None when this request id was decided before."""
    request = envelope.payload
    audit = await AuditLog.locked(uow.conn)
    repo = ConsentRepository(uow.conn)
    consents = await repo.consents_of(request.person_key, for_share=True) if request.person_key else []
    decision = decide(consents, recipient=request.recipient, purpose=request.purpose,
                      requested=request.data_categories, at=datetime.now(UTC))
    recorded = await repo.record_decision(
        request_id=request.request_id, person_key=request.person_key, household_key=envelope.household_key,
        municipality_code=envelope.municipality_code, correlation_id=envelope.correlation_id,
        request_event_id=envelope.event_id, requester=request.requester, recipient=request.recipient,
        purpose=request.purpose, data_categories=request.data_categories, decision=decision)
    if not recorded:
        return None  # a repeated request id: the first decision stands and was announced then
    await audit.record(Record(
        "share_granted" if decision.granted else "share_denied", request.requester,
        {"request_id": request.request_id, "recipient": request.recipient, "purpose": request.purpose,
         "requested": request.data_categories, "permitted": list(decision.permitted),
         "consent_id": decision.consent_id, "reason": decision.reason},
    ), subjects=[request.person_key, envelope.household_key])
    uow.emit(envelope.caused(decision.announcement(request.request_id), producer=SERVICE))
    return decision


async def confirm_grant_used(uow: UnitOfWork, request_id: uuid.UUID, staff: StaffMember) -> Grant | None:
    """Staff confirm the data went out under this grant: from now on a withdrawal can no longer revoke it.
    None: no grant for this request; OutOfScope: a grant of another municipality."""
    audit = await AuditLog.locked(uow.conn)
    repo = ConsentRepository(uow.conn)
    grant = await repo.grant_for_update(request_id)
    if grant is None:
        return None
    require_in_scope(staff, "grant", grant.municipality_code, request_id)
    grant.check_usable()
    at = datetime.now(UTC)
    await repo.mark_used(request_id, used_by=staff.staff_id, at=at)
    await audit.record(Record("grant_used", staff.staff_id, {"request_id": request_id}),
                       subjects=[grant.person_key, grant.household_key])
    return await repo.grant_for_update(request_id)


async def revoke_grants(uow: UnitOfWork, grants: list[Grant], consent_id: uuid.UUID, actor: str) -> None:
    """A withdrawal revokes the grants nobody used yet: each gets a denial for its request id, which
    supersedes the earlier grant (the last decision on a request id holds)."""
    if not grants:
        return
    audit = await AuditLog.locked(uow.conn)  # held already by the withdrawal that calls this
    at = datetime.now(UTC)
    await ConsentRepository(uow.conn).revoke(grants, at)
    for grant in grants:
        await audit.record(Record("share_revoked", actor, {"request_id": grant.request_id, "consent_id": consent_id}),
                           subjects=[grant.person_key, grant.household_key])
        revocation = grant.revocation(at, producer=SERVICE)
        if revocation is not None:
            uow.emit(revocation)
