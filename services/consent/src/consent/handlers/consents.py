"""Consents: register one, withdraw one (revoking its unused grants), and list a person's consents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..domain import consents as consent_rules
from ..domain.audit import Record
from ..domain.consents import Channel, Consent
from ..domain.grants import Grant
from ..domain.staff import StaffMember
from .sharing import revoke_grants


def _facts(consent: Consent) -> dict[str, object]:
    """What the audit trail keeps of a consent: everything but the person's pseudonym (that is the subject)."""
    return {"consent_id": consent.consent_id, "recipient": consent.recipient, "purpose": consent.purpose,
            "data_categories": sorted(consent.data_categories), "given_at": consent.given_at,
            "valid_until": consent.valid_until, "channel": consent.channel}


async def register_consent(conn: asyncpg.Connection, *, person_key: str, recipient: str, purpose: str,
                           data_categories: list[str], given_at: datetime | None, valid_until: datetime | None,
                           channel: Channel, staff: StaffMember) -> Consent:
    now = datetime.now(UTC)
    consent = consent_rules.register(person_key=person_key, recipient=recipient, purpose=purpose,
                                     data_categories=data_categories, given_at=given_at or now,
                                     valid_until=valid_until, registered_by=staff.staff_id, channel=channel, now=now)
    await ConsentRepository(conn).add(consent)
    await AuditLog(conn).record(Record("consent_registered", staff.staff_id, _facts(consent)), subjects=[person_key])
    return consent


async def withdraw_consent(conn: asyncpg.Connection, consent_id: uuid.UUID, *, channel: Channel,
                           staff: StaffMember) -> tuple[Consent, list[Grant]] | None:
    """Withdraw from now on; the grants under it that were not used yet are revoked. None: no such consent."""
    repo = ConsentRepository(conn)
    consent = await repo.get_for_update(consent_id)
    if consent is None:
        return None
    withdrawn = consent.withdraw(datetime.now(UTC))
    unused = await repo.unused_grants_under(consent_id)  # locked now, before the audit lock
    await repo.save_withdrawal(withdrawn)
    await AuditLog(conn).record(Record("consent_withdrawn", staff.staff_id, {
        "consent_id": consent_id, "withdrawn_at": withdrawn.withdrawn_at, "channel": channel,
    }), subjects=[consent.person_key])
    await revoke_grants(conn, unused, consent_id, staff.staff_id)
    return withdrawn, unused


async def consents_of_person(conn: asyncpg.Connection, person_key: str, staff: StaffMember) -> list[Consent]:
    """A person's consents. Reading them is itself put on the record (who looked, and when)."""
    found = await ConsentRepository(conn).consents_of(person_key)
    await AuditLog(conn).record(Record("consents_viewed", staff.staff_id, {"consents": len(found)}),
                                subjects=[person_key])
    return found
