"""An admin or supervisor switches home visits on or off for one municipality, for every instance at
once (the switch lives in outreach's database); another municipality is not touched. Switching off
turns each of that municipality's visits still planned, or waiting on the worklist, into a follow-up
letter, due when the visit was, or now. The change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit, switches
from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from ..domain.errors import MunicipalityOutOfScope
from ..domain.plan import ContactRules
from ..domain.scope import in_scope
from .dependencies import OutreachDependencies


@dataclass(frozen=True)
class VisitsSwitched:
    switch: switches.Switch  # as it is now
    was_enabled: bool
    visits_replaced: int  # pending or waiting visits that became follow-up letters


@dataclass(frozen=True)
class MunicipalSwitch:
    municipality_code: str
    switch: switches.Switch


async def rules_in_force(uow: UnitOfWork, deps: OutreachDependencies, municipality_code: str) -> ContactRules:
    """The contact rules a municipality's case follows now: its configured rules, with visits as
    they were last switched there."""
    return await switches.current_rules(uow.conn, deps.rules_for(municipality_code), municipality_code)


def _require_served(deps: OutreachDependencies, reader: audit.Reader, municipality_code: str) -> None:
    """A municipality the installation does not serve, or the reader does not, is "not found"."""
    if municipality_code not in deps.municipalities or not in_scope(municipality_code, reader.municipalities):
        raise MunicipalityOutOfScope(municipality_code)


async def visits_switches(uow: UnitOfWork, deps: OutreachDependencies, reader: audit.Reader) -> list[MunicipalSwitch]:
    """Whether visits are on in each of the reader's municipalities, and who switched them last."""
    return [MunicipalSwitch(code, await switches.read_visits(uow.conn, code, default=deps.rules.visits_enabled))
            for code in deps.municipalities if in_scope(code, reader.municipalities)]


async def visits_switch(uow: UnitOfWork, deps: OutreachDependencies, reader: audit.Reader,
                        municipality_code: str) -> switches.Switch:
    """One municipality's switch (changed_by None: the configured default). MunicipalityOutOfScope
    for one the reader does not serve."""
    _require_served(deps, reader, municipality_code)
    return await switches.read_visits(uow.conn, municipality_code, default=deps.rules.visits_enabled)


async def switch_visits(uow: UnitOfWork, deps: OutreachDependencies, municipality_code: str, enabled: bool, *,
                        reader: audit.Reader) -> VisitsSwitched:
    _require_served(deps, reader, municipality_code)
    was = await switches.set_visits(uow.conn, municipality_code, enabled, default=deps.rules.visits_enabled,
                                    changed_by=reader.staff_id)
    replaced = (await _replace_visits_by_letters(uow, municipality_code, staff_id=reader.staff_id)
                if was and not enabled else 0)
    await audit.record(uow.conn, reader, "admin:visits", (),
                       f"{municipality_code} {'on' if enabled else 'off'}; {replaced} visits became letters")
    return VisitsSwitched(await visits_switch(uow, deps, reader, municipality_code), was, replaced)


async def _replace_visits_by_letters(uow: UnitOfWork, municipality_code: str, *, staff_id: str) -> int:
    cases, schedule = CaseRepository(uow.conn), Schedule(uow.conn)
    replaced = 0
    now = datetime.now(UTC)
    for task in await schedule.pending_visits(municipality_code):
        await schedule.cancel(task.task_id)
        await schedule.plan_letter(task.case_id, at=task.due_at, cause_id=task.cause_id, follow_up=True)
        await cases.add_timeline(task.case_id, "visit_replaced_by_letter", {"by": staff_id})
        replaced += 1
    for item_id, case_id in await cases.open_visit_items(municipality_code):
        await cases.close_work_items(case_id, "visit", "visits switched off")
        await schedule.plan_letter(case_id, at=now, cause_id=item_id, follow_up=True)
        await cases.add_timeline(case_id, "visit_replaced_by_letter", {"by": staff_id})
        replaced += 1
    return replaced
