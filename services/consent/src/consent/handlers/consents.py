"""Consents: register one, withdraw one (revoking its unused grants), and list a person's consents; each
only within the municipalities of the member of staff who asks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..domain import consents as consent_rules
from ..domain.audit import Record
from ..domain.consents import Channel, Consent
from ..domain.grants import Grant
from ..domain.scope import require_in_scope
from ..domain.staff import StaffMember
from .sharing import revoke_grants


async def register_consent(uow: UnitOfWork, *, municipality_code: str, person_key: str, recipient: str,
                           purpose: str, data_categories: list[str], given_at: datetime | None,
                           valid_until: datetime | None, channel: Channel, staff: StaffMember) -> Consent:
    require_in_scope(staff, "consent", municipality_code)
    audit = await AuditLog.locked(uow.conn)
    now = datetime.now(UTC)
    consent = consent_rules.register(municipality_code=municipality_code, person_key=person_key, recipient=recipient,
                                     purpose=purpose, data_categories=data_categories, given_at=given_at or now,
                                     valid_until=valid_until, registered_by=staff.staff_id, channel=channel, now=now)
    await ConsentRepository(uow.conn).add(consent)
    await audit.record(Record("consent_registered", staff.staff_id, consent.audit_facts()), subjects=[person_key])
    return consent


async def withdraw_consent(uow: UnitOfWork, consent_id: uuid.UUID, *, channel: Channel,
                           staff: StaffMember) -> tuple[Consent, list[Grant]] | None:
    """Withdraw from now on; the grants under it that were not used yet are revoked. None: no such consent;
    OutOfScope: a consent of another municipality."""
    audit = await AuditLog.locked(uow.conn)
    repo = ConsentRepository(uow.conn)
    consent = await repo.get_for_update(consent_id)
    if consent is None:
        return None
    require_in_scope(staff, "consent", consent.municipality_code, consent_id)
    withdrawn = consent.withdraw(datetime.now(UTC))
    unused = await repo.unused_grants_under(consent_id)  # locked until commit: nobody uses them meanwhile
    await repo.save_withdrawal(withdrawn)
    await audit.record(Record("consent_withdrawn", staff.staff_id, {
        "consent_id": consent_id, "withdrawn_at": withdrawn.withdrawn_at, "channel": channel,
    }), subjects=[consent.person_key])
    await revoke_grants(uow, unused, consent_id, staff.staff_id)
    return withdrawn, unused


async def consents_of_person(uow: UnitOfWork, municipality_code: str, person_key: str,
                             staff: StaffMember) -> list[Consent]:
    """A person's consents (the person key is under the municipality's secret, so they are that
    municipality's). Reading them is itself put on the record (who looked, and when)."""
    require_in_scope(staff, "consents", municipality_code)
    audit = await AuditLog.locked(uow.conn)
    found = await ConsentRepository(uow.conn).consents_of(person_key)
    await audit.record(Record("consents_viewed", staff.staff_id, {"consents": len(found)}), subjects=[person_key])
    return found
