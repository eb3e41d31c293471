"""Who works a case: a caseworker takes it ("Ik pak deze op") so two people never phone the same
resident; a supervisor hands it to someone else, or back to the team."""

from __future__ import annotations

import uuid
from datetime import datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.accounts import AccountRepository
from ..adapters.repository import CaseRepository
from ..domain.accounts import Account
from ..domain.case import require_open
from ..domain.errors import CaseTakenByOther, InvalidInput


async def take_case(uow: UnitOfWork, case_id: uuid.UUID, *, reader: audit.Reader, now: datetime) -> None:
    """Raises CaseTakenByOther when a colleague took it first (also when both click at once)."""
    cases = CaseRepository(uow.conn)
    require_open(await cases.case_for_update(case_id), case_id, reader.municipalities)
    holder = await cases.take(case_id, reader.staff_id, now)
    if holder != reader.staff_id:
        raise CaseTakenByOther(holder or "")
    await cases.add_timeline(case_id, "assigned", {"to": reader.staff_id, "by": reader.staff_id})
    await audit.record(uow.conn, reader, "write:assignment", [case_id], f"taken by {reader.staff_id}")


async def reassign_case(uow: UnitOfWork, case_id: uuid.UUID, to: str | None, *, reader: audit.Reader,
                        now: datetime) -> None:
    """Hand the case to `to` (None: back to the team). Only to an active colleague of the case's
    municipality; raises InvalidInput naming the field otherwise."""
    cases = CaseRepository(uow.conn)
    case = require_open(await cases.case_for_update(case_id), case_id, reader.municipalities)
    if to is not None and to not in {a.username for a in await AccountRepository(uow.conn).caseworkers(
            case.municipality_code)}:
        raise InvalidInput("assign_to", "Kies een medewerker van deze gemeente.")
    await cases.assign(case_id, to, now)
    await cases.add_timeline(case_id, "assigned", {"to": to, "by": reader.staff_id})
    await audit.record(uow.conn, reader, "write:assignment", [case_id], f"assigned to {to or 'the team'}")


async def colleagues(uow: UnitOfWork, municipality_code: str) -> list[Account]:
    """Who a supervisor can hand a case of this municipality to."""
    return await AccountRepository(uow.conn).caseworkers(municipality_code)
