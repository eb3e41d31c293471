"""Close a case with its DDAS outcome (CaseClosed): what was still planned is cancelled and what waited
on the worklist is taken off. A caseworker closes a case with its outcome (`record_outcome.py`);
outreach closes it by itself after too many unreached attempts (`register_attempt.py`)."""

from __future__ import annotations

from datetime import UTC, datetime

from vroeg_contracts.events import CaseClosed
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from ..domain.attempts import unreached_attempts
from ..domain.case import Case
from .case_events import case_envelope


async def close_case(uow: UnitOfWork, case: Case, *, outcome: str, closed_by: str) -> None:
    cases = CaseRepository(uow.conn)
    closed_at = datetime.now(UTC)
    unreached = unreached_attempts(await cases.attempts(case.case_id))
    await cases.close_case(case.case_id, outcome=outcome, closed_by=closed_by, closed_at=closed_at)
    await Schedule(uow.conn).cancel_case(case.case_id)
    await cases.close_work_items(case.case_id, None, "case closed")
    await cases.add_timeline(case.case_id, "closed", {"outcome": outcome, "by": closed_by}, occurred_at=closed_at)
    uow.emit(case_envelope(case, CaseClosed(case_id=case.case_id, outcome=outcome, closed_at=closed_at,
                                            unreached_attempts=unreached), None))
