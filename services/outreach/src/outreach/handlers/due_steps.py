"""The schedule's steps, performed when they are due: a letter (`send_letter.py`), or a call or visit
announced (on the team's worklist, and CallDue or VisitDue on the bus).

The schedule loop (entrypoints/loops.py) takes one due step per unit of work and performs it; a step
that fails is postponed with backoff in a unit of its own (its error kept on the row), so one broken
case never holds up the others.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from opentelemetry import trace

from vroeg_contracts.events import CallDue, Event, VisitDue
from vroeg_runtime.consuming import describe_error
from vroeg_runtime.telemetry import annotate, continued
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..adapters.schedule import DueTask, Schedule
from ..domain.calendar import AMSTERDAM
from ..domain.case import Case
from ..domain.plan import Step
from .case_events import case_envelope
from .dependencies import OutreachDependencies
from .send_letter import send_letter
from .switch_visits import rules_in_force

log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)

RETRY_FAILED_STEP = timedelta(seconds=30)  # doubled per failure, so a broken step does not spin


async def next_due_step(uow: UnitOfWork, now: datetime) -> DueTask | None:
    """The next step that is due, locked for this unit (another instance skips it), or None."""
    return await Schedule(uow.conn).next_due(now)


async def perform_step(uow: UnitOfWork, task: DueTask, deps: OutreachDependencies) -> None:
    """Perform one due step. It joins the trace of whatever planned it (the report's, or a caseworker's)."""
    with continued(task.trace_context), _tracer.start_as_current_span(f"outreach {task.step.value}"):
        annotate(message_id=str(task.task_id))
        await _perform(uow, task, deps)


async def postpone_step(uow: UnitOfWork, task: DueTask, error: Exception) -> None:
    """A step failed: try it again later, waiting twice as long after each failure."""
    delay = RETRY_FAILED_STEP * 2 ** min(task.failures, 8)
    # No traceback: an exception's message may quote a resident's details (a letter being written).
    reason = describe_error(error)
    log.error("schedule_step_failed", task_id=str(task.task_id), case_id=str(task.case_id), step=task.step.value,
              failures=task.failures + 1, retry_in_s=delay.total_seconds(), error=reason)
    await Schedule(uow.conn).postpone(task.task_id, datetime.now(UTC) + delay, reason)


async def backlog(uow: UnitOfWork) -> int:
    """How many steps are due and not yet performed."""
    return await Schedule(uow.conn).due_count()


async def _perform(uow: UnitOfWork, task: DueTask, deps: OutreachDependencies) -> None:
    cases, schedule = CaseRepository(uow.conn), Schedule(uow.conn)
    case = await cases.case_for_update(task.case_id)
    if case is None or not case.is_open:
        await schedule.cancel(task.task_id)
        return
    rules = await rules_in_force(uow, deps, case.municipality_code)
    if task.step in (Step.FIRST_LETTER, Step.FOLLOW_UP_LETTER):
        await send_letter(uow, case, task, deps, rules)
    elif task.step is Step.VISIT and not rules.visits_enabled:
        # Visits were switched off after this one was planned: a second letter goes instead.
        await schedule.cancel(task.task_id)
        await schedule.plan_letter(case.case_id, at=task.due_at, cause_id=task.cause_id, follow_up=True)
        return
    else:
        await _announce_contact(uow, case, task)
    await schedule.mark_done(task.task_id)


async def _announce_contact(uow: UnitOfWork, case: Case, task: DueTask) -> None:
    """A call or visit is due: it goes on the team's worklist, and CallDue or VisitDue on the bus."""
    cases = CaseRepository(uow.conn)
    kind = "call" if task.step is Step.CALL else "visit"
    due_on = task.due_at.astimezone(AMSTERDAM).date()
    letter_id = await cases.first_letter_id(case.case_id)
    payload: Event = (CallDue if task.step is Step.CALL else VisitDue)(
        case_id=case.case_id, due_on=due_on, letter_id=letter_id)
    # The work item's id derives from the task, so performing the step again adds nothing.
    await cases.add_work_item(uuid.uuid5(task.task_id, "work"), case.case_id, kind, task.due_at)
    await cases.add_timeline(case.case_id, f"{kind}_due", {"due_on": due_on.isoformat()})
    uow.emit(case_envelope(case, payload, task.cause_id))
