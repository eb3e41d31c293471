"""An auditor reads the audit log (who read or changed which case data, and when) and verifies its
hash chain. Both are audited too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..domain.audit_chain import ChainReport, ChainVerifier


async def audit_entries(uow: UnitOfWork, *, reader: audit.Reader, case_id: uuid.UUID | None = None,
                        staff_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                        limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Entries newest first, of one case or one staff member, in a time span; only those of the
    reader's municipalities (and, without a municipality, their own)."""
    found = await audit.entries(uow.conn, visible_to=reader, case_id=case_id, staff_id=staff_id, since=since,
                                until=until, limit=limit, offset=offset)
    await audit.record(uow.conn, reader, "read:audit", [case_id] if case_id else [])
    return found


async def verify_chain(uow: UnitOfWork, *, reader: audit.Reader) -> ChainReport:
    """Walk the whole chain, oldest row first, and report the first row that does not fit. The
    check covers every municipality's rows (one chain for all); it shows no row's content."""
    verifier = ChainVerifier()
    async for row in audit.chain(uow.conn):
        verifier.feed(row)
    report = verifier.report()
    await audit.record(uow.conn, reader, "read:audit-chain",
                       detail="intact" if report.intact else f"broken at {report.first_broken}")
    return report

