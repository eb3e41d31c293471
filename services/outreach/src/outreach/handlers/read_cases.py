"""The team reads cases: the case list (without contact details) and a case page (contact details
only for the roles that contact residents). Every read is audited."""

from __future__ import annotations

import uuid
from typing import Any

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.reads import Reads
from ..domain.attempts import Attempt, unreached_attempts

CONTACT_ROLES = ("caseworker", "supervisor")  # who may see a resident's contact details


async def case_list(uow: UnitOfWork, *, status: str | None, limit: int, offset: int,
                    reader: audit.Reader) -> list[dict[str, Any]]:
    """Cases, newest first."""
    rows = await Reads(uow.conn).case_list(status=status, limit=limit, offset=offset)
    await audit.record(uow.conn, reader, "read:cases", [r["case_id"] for r in rows])
    return rows


async def case_page(uow: UnitOfWork, case_id: uuid.UUID, *, reader: audit.Reader) -> dict[str, Any] | None:
    """The case (`case`), its `contact` (None for a reader who may not see it), the number of
    unreached attempts, and its signals, letters, attempts, plan, work, referrals and timeline.
    None when there is no such case."""
    page = await Reads(uow.conn).case_page(case_id)
    if page is None:
        return None
    shows_contact = reader.role in CONTACT_ROLES
    await audit.record(uow.conn, reader, "read:case", [case_id],
                       "with contact details" if shows_contact else "without contact details")
    attempts = [Attempt(a["kind"], a["reached"]) for a in page["attempts"]]
    return {**page, "contact": page["contact"] if shows_contact else None,
            "unreached_attempts": unreached_attempts(attempts)}
