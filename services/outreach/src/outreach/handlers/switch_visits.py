"""An admin switches home visits on or off, for every instance at once (the switch lives in outreach's
database). Switching off turns each visit still planned, or waiting on the worklist, into a follow-up
letter, due when the visit was, or now. The change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit, switches
from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from ..domain.plan import ContactRules


@dataclass(frozen=True)
class VisitsSwitched:
    switch: switches.Switch  # as it is now
    was_enabled: bool
    visits_replaced: int  # pending or waiting visits that became follow-up letters


async def visits_switch(uow: UnitOfWork, rules: ContactRules) -> switches.Switch:
    """Whether visits are on, and who switched them last (None: the configured default)."""
    return await switches.read(uow.conn, switches.VISITS, default=rules.visits_enabled)


async def switch_visits(uow: UnitOfWork, enabled: bool, *, reader: audit.Reader, rules: ContactRules) -> VisitsSwitched:
    was = await switches.set_switch(uow.conn, switches.VISITS, enabled, default=rules.visits_enabled,
                                    changed_by=reader.staff_id)
    replaced = await _replace_visits_by_letters(uow, staff_id=reader.staff_id) if was and not enabled else 0
    await audit.record(uow.conn, reader, "admin:visits", (),
                       f"{'on' if enabled else 'off'}; {replaced} visits became letters")
    return VisitsSwitched(await visits_switch(uow, rules), was, replaced)


async def _replace_visits_by_letters(uow: UnitOfWork, *, staff_id: str) -> int:
    cases, schedule = CaseRepository(uow.conn), Schedule(uow.conn)
    replaced = 0
    now = datetime.now(UTC)
    for task in await schedule.pending_visits():
        await schedule.cancel(task.task_id)
        await schedule.plan_letter(task.case_id, at=task.due_at, cause_id=task.cause_id, follow_up=True)
        await cases.add_timeline(task.case_id, "visit_replaced_by_letter", {"by": staff_id})
        replaced += 1
    for item_id, case_id in await cases.open_visit_items():
        await cases.close_work_items(case_id, "visit", "visits switched off")
        await schedule.plan_letter(case_id, at=now, cause_id=item_id, follow_up=True)
        await cases.add_timeline(case_id, "visit_replaced_by_letter", {"by": staff_id})
        replaced += 1
    return replaced
