"""The schedule's steps, performed when they are due: a letter (`send_letter.py`), or a call or visit
announced (on the team's worklist, and CallDue or VisitDue on the bus).

The schedule loop (entrypoints/loops.py) takes a batch of due steps per unit of work and performs
each in a savepoint of its own; a step that fails is rolled back to its savepoint and postponed with
backoff (its error kept on the row), so one broken case never holds up the others.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from opentelemetry import trace

from vroeg_contracts.events import CallDue, Event, VisitDue
from vroeg_runtime.consuming import describe_error
from vroeg_runtime.telemetry import annotate, continued, current_traceparent
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..adapters.schedule import DueTask, Schedule
from ..domain.calendar import AMSTERDAM
from ..domain.case import Case
from ..domain.plan import ContactRules, Step
from .case_events import case_envelope
from .dependencies import OutreachDependencies
from .send_letter import Written, send_letter, write_letter
from .switch_visits import rules_in_force

log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)

RETRY_FAILED_STEP = timedelta(seconds=30)  # doubled per failure, so a broken step does not spin


async def next_due_steps(uow: UnitOfWork, now: datetime, limit: int) -> list[DueTask]:
    """Up to `limit` due steps, locked for this unit (another instance skips them)."""
    return await Schedule(uow.conn).next_due_many(now, limit)


async def perform_step(uow: UnitOfWork, task: DueTask, deps: OutreachDependencies) -> None:
    """Perform one due step. It joins the trace of whatever planned it (the report's, or a caseworker's)."""
    with continued(task.trace_context), _tracer.start_as_current_span(f"outreach {task.step.value}"):
        annotate(message_id=str(task.task_id))
        await _perform(uow, task, deps)


LETTER_STEPS = (Step.FIRST_LETTER, Step.FOLLOW_UP_LETTER)


async def send_letters(uow: UnitOfWork, tasks: list[DueTask], deps: OutreachDependencies) -> list[DueTask]:
    """Perform a batch of letter steps with a handful of statements for all of them (issue 23): the
    cases locked, their signals and the rules read at once; each letter written and delivered; then
    the letters, attempts, timeline entries, next steps and done marks stored at once. A letter whose
    writing fails, a closed case, or anything else unusual is left to the one-by-one path: those
    tasks are returned. Call in a savepoint; if a statement fails, redo the whole batch one by one."""
    cases, schedule = CaseRepository(uow.conn), Schedule(uow.conn)
    ids = sorted({t.case_id for t in tasks})
    found = await cases.cases_for_update(ids)
    signals = await cases.signals_of(ids)
    rules: dict[str, ContactRules] = {}
    left: list[DueTask] = []
    done: list[DueTask] = []
    written: list[Written] = []
    plans: list[tuple[uuid.UUID, Step, datetime, uuid.UUID, dict[str, str]]] = []
    for task in tasks:
        case = found.get(task.case_id)
        if case is None or not case.is_open or case.municipality_code not in deps.writers:
            left.append(task)
            continue
        if case.municipality_code not in rules:
            rules[case.municipality_code] = await rules_in_force(uow, deps, case.municipality_code)
        emitted = len(uow.emitted)
        try:
            with continued(task.trace_context), _tracer.start_as_current_span(f"outreach {task.step.value}"):
                annotate(message_id=str(task.task_id))
                letter = await write_letter(case, task, signals[case.case_id], deps, rules[case.municipality_code])
                uow.emit(case_envelope(case, letter.sent, task.cause_id))
                if letter.planned is not None:
                    plans.append((case.case_id, letter.planned.step, letter.planned.due_at, letter.letter.letter_id,
                                  current_traceparent()))
        except Exception:  # noqa: BLE001 - the one-by-one path performs it again, and postpones it if it fails
            del uow.emitted[emitted:]
            left.append(task)
            continue
        written.append(letter)
        done.append(task)
    if written:
        await cases.record_letters([w.letter for w in written])
    if plans:
        await schedule.plan_many(plans)
    if done:
        await schedule.mark_done_many([t.task_id for t in done])
    return left


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
