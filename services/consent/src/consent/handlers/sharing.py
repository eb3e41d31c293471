"""Sharing: decide a data-share request and announce the decision; confirm that a grant was used."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareDenied, DataShareGranted, DataShareRequested
from vroeg_runtime import outbox

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..domain.audit import Record
from ..domain.gate import REVOKED_REASON, ShareDecision, decide
from ..domain.grants import Grant
from ..domain.staff import StaffMember
from . import SERVICE


async def decide_share(conn: asyncpg.Connection, envelope: Envelope[DataShareRequested]) -> ShareDecision | None:
    """Grant (only the permitted fields) or deny; None when this request id was decided before."""
    request = envelope.payload
    repo = ConsentRepository(conn)
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
    await AuditLog(conn).record(Record(
        "share_granted" if decision.granted else "share_denied", request.requester,
        {"request_id": request.request_id, "recipient": request.recipient, "purpose": request.purpose,
         "requested": request.data_categories, "permitted": list(decision.permitted),
         "consent_id": decision.consent_id, "reason": decision.reason},
    ), subjects=[request.person_key, envelope.household_key])
    payload = (DataShareGranted(request_id=request.request_id, permitted_fields=list(decision.permitted),
                                consent_id=decision.consent_id)  # type: ignore[arg-type]
               if decision.granted else DataShareDenied(request_id=request.request_id, reason=decision.reason))
    await outbox.add(conn, envelope.caused(payload, producer=SERVICE))
    return decision


async def confirm_grant_used(conn: asyncpg.Connection, request_id: uuid.UUID, staff: StaffMember) -> Grant | None:
    """Staff confirm the data went out under this grant: from now on a withdrawal can no longer revoke it."""
    repo = ConsentRepository(conn)
    grant = await repo.grant_for_update(request_id)
    if grant is None:
        return None
    grant.check_usable()
    at = datetime.now(UTC)
    await repo.mark_used(request_id, used_by=staff.staff_id, at=at)
    await AuditLog(conn).record(Record("grant_used", staff.staff_id, {"request_id": request_id}),
                                subjects=[grant.person_key, grant.household_key])
    return await repo.grant_for_update(request_id)


async def revoke_grants(conn: asyncpg.Connection, grants: list[Grant], consent_id: uuid.UUID, actor: str) -> None:
    """A withdrawal revokes the grants nobody used yet: each gets a denial for its request id, which
    supersedes the earlier grant (the last decision on a request id holds)."""
    if not grants:
        return
    at = datetime.now(UTC)
    await ConsentRepository(conn).revoke(grants, at)
    audit = AuditLog(conn)
    for grant in grants:
        await audit.record(Record("share_revoked", actor, {"request_id": grant.request_id, "consent_id": consent_id}),
                           subjects=[grant.person_key, grant.household_key])
        revocation = _revocation(grant, at)
        if revocation is not None:
            await outbox.add(conn, revocation)


def _revocation(grant: Grant, at: datetime) -> Envelope[DataShareDenied] | None:
    if grant.household_key is None or grant.municipality_code is None or grant.correlation_id is None:
        return None  # a grant from before consent kept the request's envelope: nothing to address it to
    return Envelope.wrap(DataShareDenied(request_id=grant.request_id, reason=REVOKED_REASON),
                         producer=SERVICE, municipality_code=grant.municipality_code,
                         household_key=grant.household_key, correlation_id=grant.correlation_id,
                         causation_id=grant.request_event_id, occurred_at=at)
