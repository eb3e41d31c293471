"""The audit trail's own use cases: check the chain, and answer an AVG access request for one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..domain.access_report import summary_nl
from ..domain.audit import AuditEntry, ChainReport, Record
from ..domain.consents import Consent
from ..domain.staff import StaffMember


@dataclass(frozen=True)
class AccessExport:
    generated_at: datetime
    entries: list[AuditEntry]
    consents: list[Consent]
    summary_nl: str


async def verify_chain(conn: asyncpg.Connection) -> ChainReport:
    return await AuditLog(conn).verify()


async def export_for_person(conn: asyncpg.Connection, person_key: str, staff: StaffMember) -> AccessExport:
    """Every audit entry about the person and their consents, with a plain-Dutch summary; the export is audited."""
    audit = AuditLog(conn)
    entries = await audit.entries_about(person_key)
    consents = await ConsentRepository(conn).consents_of(person_key)
    export = AccessExport(datetime.now(UTC), entries, consents, summary_nl(entries, consents))
    await audit.record(Record("access_exported", staff.staff_id, {"entries": len(entries), "consents": len(consents)}),
                       subjects=[person_key])
    return export
