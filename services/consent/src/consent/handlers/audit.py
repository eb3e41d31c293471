"""The audit trail's own use cases: check the chain, answer an AVG access request for one person, and put
a refusal (a request outside the staff member's municipalities) on the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.audit_log import AuditLog
from ..adapters.repository import ConsentRepository
from ..adapters.sql import read_one_snapshot
from ..domain.access_report import summary_nl
from ..domain.audit import AuditEntry, ChainReport, Record
from ..domain.consents import Consent
from ..domain.scope import OutOfScope, require_in_scope
from ..domain.staff import StaffMember


@dataclass(frozen=True)
class AccessExport:
    generated_at: datetime
    entries: list[AuditEntry]
    consents: list[Consent]
    summary_nl: str


async def verify_chain(uow: UnitOfWork) -> ChainReport:
    return await AuditLog(uow.conn).verify()


async def verify_chain_as_of_now(uow: UnitOfWork) -> ChainReport:
    """The check on one snapshot, read-only: the command runs beside a service that keeps appending,
    and its report (entries, head hash) must be of one moment."""
    await read_one_snapshot(uow.conn)
    return await verify_chain(uow)


async def export_for_person(uow: UnitOfWork, municipality_code: str, person_key: str,
                            staff: StaffMember) -> AccessExport:
    """Every audit entry about the person and their consents, with a plain-Dutch summary; the export is audited."""
    require_in_scope(staff, "access_request", municipality_code)
    audit = await AuditLog.locked(uow.conn)
    entries = await audit.entries_about(person_key)
    consents = await ConsentRepository(uow.conn).consents_of(person_key)
    export = AccessExport(datetime.now(UTC), entries, consents, summary_nl(entries, consents))
    await audit.record(Record("access_exported", staff.staff_id, {"entries": len(entries), "consents": len(consents)}),
                       subjects=[person_key])
    return export


async def record_refusal(uow: UnitOfWork, refused: OutOfScope) -> None:
    """A member of staff was refused another municipality's data: written down in a unit of its own (the
    refused one rolled back), naming who asked and for which municipality, never the resident."""
    audit = await AuditLog.locked(uow.conn)
    await audit.record(refused.refusal())
