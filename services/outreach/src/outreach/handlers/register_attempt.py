"""A caseworker registers an attempt to reach the resident. Too many unreached attempts close the
case by itself; an unreached call or visit is tried again later; once the resident is reached, the
planned contact steps are no longer needed. The write is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from opentelemetry import trace

from vroeg_runtime.telemetry import continued
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from ..config import SERVICE
from ..domain.attempts import WORK_KIND, check_attempt_day, closes_without_contact, unreached_attempts
from ..domain.calendar import AMSTERDAM
from ..domain.case import Case, require_open
from ..domain.ddas_lists import NO_CONTACT
from ..domain.plan import CONTACT_STEPS, retry_after_unreached
from .close_case import close_case
from .dependencies import OutreachDependencies
from .switch_visits import rules_in_force

_tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class NewAttempt:
    kind: str  # EnumContactsoort
    reached: bool
    attempted_on: date
    day_part: str  # EnumDagdeel


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: uuid.UUID
    case_status: str
    unreached_attempts: int
    closed_as: str | None
    next_step: str | None
    next_due_at: datetime | None


async def register_attempt(uow: UnitOfWork, case_id: uuid.UUID, attempt: NewAttempt, *, reader: audit.Reader,
                           deps: OutreachDependencies) -> AttemptResult:
    """Raises CaseNotFound, CaseAlreadyClosed, or InvalidInput for a date before the case."""
    case = require_open(await CaseRepository(uow.conn).case_for_update(case_id), case_id, reader.municipalities)
    check_attempt_day(attempt.attempted_on, case.opened_at.astimezone(AMSTERDAM).date())
    # The call or visit continues the case's trace (from the partner's report through the decision
    # to this attempt); the caseworker's request is kept as a link.
    request_span = trace.get_current_span().get_span_context()
    with continued(case.trace_context), _tracer.start_as_current_span(
            "outreach contact attempt", links=[trace.Link(request_span)] if request_span.is_valid else [],
            attributes={"vroeg.case_id": str(case_id), "vroeg.contact_kind": attempt.kind,
                        "vroeg.reached": attempt.reached}):
        result = await _register(uow, case, attempt, staff_id=reader.staff_id, deps=deps)
    await audit.record(uow.conn, reader, "write:attempt", [case_id], attempt.kind)
    return result


async def _register(uow: UnitOfWork, case: Case, attempt: NewAttempt, *, staff_id: str,
                    deps: OutreachDependencies) -> AttemptResult:
    cases, schedule, case_id = CaseRepository(uow.conn), Schedule(uow.conn), case.case_id
    attempt_id = uuid.uuid4()
    await cases.add_contact_attempt(case_id=case_id, kind=attempt.kind, reached=attempt.reached,
                                    attempted_on=attempt.attempted_on, day_part=attempt.day_part,
                                    registered_by=staff_id, attempt_id=attempt_id)
    await cases.add_timeline(case_id, "attempt", {"kind": attempt.kind, "reached": attempt.reached,
                                                  "date": attempt.attempted_on.isoformat(),
                                                  "day_part": attempt.day_part, "by": staff_id})
    if attempt.kind in WORK_KIND:
        await cases.close_work_items(case_id, WORK_KIND[attempt.kind], "reached" if attempt.reached else "not reached")
    attempts = await cases.attempts(case_id)
    unreached = unreached_attempts(attempts)
    if closes_without_contact(attempts, deps.max_unreached_attempts):
        await close_case(uow, case, outcome=NO_CONTACT, closed_by=SERVICE)
        return AttemptResult(attempt_id, "closed", unreached, NO_CONTACT, None, None)
    if attempt.reached:
        for task in await schedule.pending(case_id, CONTACT_STEPS):
            await schedule.cancel(task.task_id)
        await cases.close_work_items(case_id, None, "resident reached")
        return AttemptResult(attempt_id, "open", unreached, None, None, None)
    planned = retry_after_unreached(attempt.kind, attempt.attempted_on, attempt.day_part,  # type: ignore[arg-type]
                                    datetime.now(UTC), await rules_in_force(uow, deps, case.municipality_code))
    if planned is None or await schedule.pending(case_id, (planned.step,)):
        return AttemptResult(attempt_id, "open", unreached, None, None, None)
    await schedule.plan(case_id, planned.step, at=planned.due_at, cause_id=attempt_id)
    return AttemptResult(attempt_id, "open", unreached, None, planned.step.value, planned.due_at)
