"""An auditor reads the audit log: who read or changed which case data, and when. Reading it is
audited too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit


async def audit_entries(uow: UnitOfWork, *, reader: audit.Reader, case_id: uuid.UUID | None = None,
                        staff_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                        limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Entries newest first, of one case or one staff member, in a time span."""
    found = await audit.entries(uow.conn, case_id=case_id, staff_id=staff_id, since=since, until=until,
                                limit=limit, offset=offset)
    await audit.record(uow.conn, reader, "read:audit", [case_id] if case_id else [])
    return found


async def record_refusal(uow: UnitOfWork, reader: audit.Reader, case_id: uuid.UUID, what: str) -> None:
    """A reader was refused another municipality's case: told "not found", and written down here
    (in a unit of its own: the refused unit rolled back)."""
    await audit.record(uow.conn, reader, "refused:case", [case_id], what)
