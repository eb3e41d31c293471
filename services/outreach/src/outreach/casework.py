"""The team's commands: register a contact attempt, record a case's outcome and close it, and switch
visits on or off. Each runs in the caller's transaction and writes its events to the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg

from vroeg_contracts.events import CaseClosed
from vroeg_runtime import outbox

from . import sharing
from .adapters import switches
from .adapters.repository import Case, CaseRepository
from .domain.attempts import closes_without_contact, unreached_attempts
from .domain.calendar import AMSTERDAM
from .domain.ddas_lists import NO_CONTACT, REFERRAL_OUTCOMES
from .domain.plan import Step, retry_after_unreached
from .domain.referral import Referral
from .errors import CaseAlreadyClosed, CaseNotFound, InvalidInput
from .handlers import SERVICE, Deps, case_envelope, current_rules

# Which work item an attempt of each kind settles.
WORK_KIND = {"Telefoon": "call", "Huisbezoek": "visit"}
CONTACT_STEPS = (Step.CALL, Step.VISIT, Step.FOLLOW_UP_LETTER)


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


async def _open_case(repo: CaseRepository, case_id: uuid.UUID) -> Case:
    case = await repo.case_for_update(case_id)
    if case is None:
        raise CaseNotFound(str(case_id))
    if case.status != "open":
        raise CaseAlreadyClosed(str(case_id))
    return case


async def _close(conn: asyncpg.Connection, repo: CaseRepository, case: Case, *, outcome: str, closed_by: str) -> None:
    closed_at = datetime.now(UTC)
    unreached = unreached_attempts(await repo.attempts(case.case_id))
    await repo.close_case(case.case_id, outcome=outcome, closed_by=closed_by, closed_at=closed_at)
    await repo.add_timeline(case.case_id, "closed", {"outcome": outcome, "by": closed_by}, occurred_at=closed_at)
    await outbox.add(conn, case_envelope(case, CaseClosed(case_id=case.case_id, outcome=outcome, closed_at=closed_at,
                                                          unreached_attempts=unreached), None))


async def register_attempt(conn: asyncpg.Connection, case_id: uuid.UUID, attempt: NewAttempt, *, staff_id: str,
                           deps: Deps) -> AttemptResult:
    """Record an attempt to reach the resident; close the case after too many unreached ones, or
    plan the next try; once the resident is reached, the planned contact steps are no longer needed."""
    repo = CaseRepository(conn)
    case = await _open_case(repo, case_id)
    opened = case.opened_at.astimezone(AMSTERDAM).date()
    if attempt.attempted_on < opened:
        raise InvalidInput("date", f"lies before the case was opened ({opened.isoformat()})")
    attempt_id = uuid.uuid4()
    await repo.add_contact_attempt(case_id=case_id, kind=attempt.kind, reached=attempt.reached,
                                   attempted_on=attempt.attempted_on, day_part=attempt.day_part,
                                   registered_by=staff_id, attempt_id=attempt_id)
    await repo.add_timeline(case_id, "attempt", {"kind": attempt.kind, "reached": attempt.reached,
                                                 "date": attempt.attempted_on.isoformat(),
                                                 "day_part": attempt.day_part, "by": staff_id})
    if attempt.kind in WORK_KIND:
        await repo.close_work_items(case_id, WORK_KIND[attempt.kind], "reached" if attempt.reached else "not reached")
    attempts = await repo.attempts(case_id)
    unreached = unreached_attempts(attempts)
    if closes_without_contact(attempts, deps.max_unreached_attempts):
        await _close(conn, repo, case, outcome=NO_CONTACT, closed_by=SERVICE)
        return AttemptResult(attempt_id, "closed", unreached, NO_CONTACT, None, None)
    if attempt.reached:
        for task in await repo.pending(case_id, CONTACT_STEPS):
            await repo.cancel(task.task_id)
        await repo.close_work_items(case_id, None, "resident reached")
        return AttemptResult(attempt_id, "open", unreached, None, None, None)
    planned = retry_after_unreached(attempt.kind, attempt.attempted_on, attempt.day_part,  # type: ignore[arg-type]
                                    datetime.now(UTC), await current_rules(conn, deps))
    if planned is None or await repo.pending(case_id, (planned.step,)):
        return AttemptResult(attempt_id, "open", unreached, None, None, None)
    await repo.schedule(case_id, planned.step, planned.due_at, attempt_id)
    return AttemptResult(attempt_id, "open", unreached, None, planned.step.value, planned.due_at)


async def record_outcome(conn: asyncpg.Connection, case_id: uuid.UUID, outcome: str, *, staff_id: str,
                         referral: Referral | None = None) -> uuid.UUID | None:
    """Close the case with its DDAS outcome (CaseClosed). A referral goes to consent first
    (DataShareRequested); returns its request id."""
    if referral is not None and outcome not in REFERRAL_OUTCOMES:
        raise InvalidInput("referral", f"a referral goes only with the outcome {' or '.join(sorted(REFERRAL_OUTCOMES))}")
    repo = CaseRepository(conn)
    case = await _open_case(repo, case_id)
    await _close(conn, repo, case, outcome=outcome, closed_by=staff_id)
    if referral is None:
        return None
    await sharing.request_share(conn, case, referral, requested_by=staff_id)
    return referral.request_id


@dataclass(frozen=True)
class VisitsSwitched:
    enabled: bool
    was_enabled: bool
    visits_replaced: int  # pending or waiting visits that became follow-up letters


async def switch_visits(conn: asyncpg.Connection, enabled: bool, *, staff_id: str, deps: Deps) -> VisitsSwitched:
    """Switch visits on or off for every instance. Switching off turns each visit still planned, or
    waiting on the worklist, into a follow-up letter (due when the visit was, or now)."""
    was = await switches.set_switch(conn, switches.VISITS, enabled, default=deps.rules.visits_enabled,
                                    changed_by=staff_id)
    replaced = 0
    if was and not enabled:
        repo = CaseRepository(conn)
        now = datetime.now(UTC)
        for task in await repo.pending_visits():
            await repo.cancel(task.task_id)
            await repo.schedule(task.case_id, Step.FOLLOW_UP_LETTER, task.due_at, task.cause_id)
            await repo.add_timeline(task.case_id, "visit_replaced_by_letter", {"by": staff_id})
            replaced += 1
        for item_id, case_id in await repo.open_visit_items():
            await repo.close_work_items(case_id, "visit", "visits switched off")
            await repo.schedule(case_id, Step.FOLLOW_UP_LETTER, now, item_id)
            await repo.add_timeline(case_id, "visit_replaced_by_letter", {"by": staff_id})
            replaced += 1
    return VisitsSwitched(enabled, was, replaced)

