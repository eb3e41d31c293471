"""Outreach's use cases for matching's decisions and for the schedule: open and escalate cases, note
signals not picked up, tell partners, and perform the steps that are due."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import structlog
from opentelemetry import trace

from vroeg_contracts.envelope import Envelope, Event
from vroeg_contracts.events import (
    CallDue,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    LetterSent,
    OutreachAction,
    SignalNotPickedUp,
    SignalRef,
    VisitDue,
)
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import unseal
from vroeg_runtime import outbox
from vroeg_runtime.consuming import describe_error
from vroeg_runtime.telemetry import annotate, continued

from .adapters import feedback, switches
from .adapters.letters import LetterSignal, LetterWriter, to_pdf
from .adapters.mail import Mailbox
from .adapters.referrals import ReferralSink
from .adapters.repository import Case, CaseRepository, DueTask
from .domain.calendar import AMSTERDAM, day_part
from .domain.plan import ContactRules, Step, after_first_letter

SERVICE = "outreach"
log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)


@dataclass
class Deps:
    """What the use cases need from outside: keys, rules, letter writers, the mailbox and referrals."""

    private_keys: dict[str, bytes]
    rules: ContactRules  # `visits_enabled` here is the configured default; see `current_rules`
    writers: dict[str, LetterWriter]
    mailbox: Mailbox
    referrals: ReferralSink
    max_unreached_attempts: int = 3


async def current_rules(conn: asyncpg.Connection, deps: Deps) -> ContactRules:
    """The contact rules with visits as an admin last switched them (or the configured default)."""
    visits = await switches.enabled(conn, switches.VISITS, default=deps.rules.visits_enabled)
    return replace(deps.rules, visits_enabled=visits)


def case_envelope(case: Case, payload: Event, cause_id: uuid.UUID | None) -> Envelope[Any]:
    return Envelope.wrap(payload, producer=SERVICE, municipality_code=case.municipality_code,
                         household_key=case.household_key, correlation_id=case.correlation_id, causation_id=cause_id)


async def _picked_up(conn: asyncpg.Connection, household_key: str, signals: list[SignalRef]) -> None:
    for signal in signals:
        await feedback.tell_partner(conn, partner_id=signal.partner_id, report_id=signal.report_id,
                                    household_key=household_key, outcome="picked_up")


async def open_case(conn: asyncpg.Connection, envelope: Envelope[HouseholdAtRisk], deps: Deps) -> bool:
    """Open the case and plan its first letter for now. False if it was open already."""
    decision = envelope.payload
    repo = CaseRepository(conn)
    contact = unseal(decision.contact, deps.private_keys)
    created = await repo.add_case(case_id=decision.episode_id, household_key=envelope.household_key,
                                  municipality_code=envelope.municipality_code, correlation_id=envelope.correlation_id,
                                  intensity=decision.intensity.value, action=decision.action.value, rule=decision.rule,
                                  contact=contact, matched_on=decision.matched_on, window_start=decision.window_start,
                                  window_end=decision.window_end)
    if created:
        await repo.add_signals(decision.episode_id, decision.signals)
        await repo.schedule(decision.episode_id, Step.FIRST_LETTER, datetime.now(UTC), envelope.event_id)
        await repo.add_timeline(decision.episode_id, "opened", {"intensity": decision.intensity.value,
                                                                "action": decision.action.value, "rule": decision.rule,
                                                                "signals": len(decision.signals)})
        await _picked_up(conn, envelope.household_key, decision.signals)
    return created


async def escalate_case(conn: asyncpg.Connection, envelope: Envelope[HouseholdRiskEscalated], deps: Deps) -> None:
    decision = envelope.payload
    repo = CaseRepository(conn)
    case = await repo.case_for_update(decision.episode_id)
    if case is None or case.status != "open":
        return  # a closed case is not reopened by an escalation; matching opens a new episode instead
    contact = unseal(decision.contact, deps.private_keys)
    await repo.update_case(case.case_id, intensity=decision.intensity.value, action=decision.action.value,
                           rule=decision.rule, contact=contact)
    await repo.add_signals(case.case_id, decision.signals)
    await repo.add_timeline(case.case_id, "escalated", {"intensity": decision.intensity.value,
                                                        "action": decision.action.value, "rule": decision.rule})
    await _picked_up(conn, envelope.household_key, decision.signals)
    sent_at = await repo.first_letter_sent_at(case.case_id)
    if sent_at is None:
        return  # the letter step plans the follow-up itself, with the new action
    planned = after_first_letter(decision.action, sent_at, bool(contact.phone), await current_rules(conn, deps))
    if planned is None:
        return
    due_at = max(planned.due_at, datetime.now(UTC))
    pending = await repo.pending(case.case_id, (planned.step,))
    if pending:
        # A crisis may not wait for the call planned a week out: bring it forward.
        if due_at < pending[0].due_at:
            await repo.reschedule(pending[0].task_id, due_at)
    elif not await repo.contact_planned(case.case_id):
        await repo.schedule(case.case_id, planned.step, due_at, envelope.event_id)


async def note_not_picked_up(conn: asyncpg.Connection, envelope: Envelope[SignalNotPickedUp]) -> None:
    p = envelope.payload
    repo = CaseRepository(conn)
    await repo.add_not_picked_up(signal_id=p.signal_id, household_key=envelope.household_key,
                                 municipality_code=envelope.municipality_code, partner_id=p.partner_id,
                                 report_id=p.report_id, category=p.category.value, ddas_status=p.ddas_status)
    case_id = await repo.open_case_of_household(envelope.household_key)
    if case_id is not None:  # a repeat of a signal in an open case: the team sees it on the case page
        await repo.add_timeline(case_id, "signal_not_picked_up", {"partner_id": p.partner_id,
                                                                  "status": p.ddas_status})
    await feedback.tell_partner(conn, partner_id=p.partner_id, report_id=p.report_id,
                                household_key=envelope.household_key, outcome="not_picked_up")


# The schedule

RETRY_FAILED_STEP = timedelta(seconds=30)  # doubled per failure, so a broken step does not spin


async def perform_due_steps(pool: asyncpg.Pool, deps: Deps, *, now: datetime | None = None, limit: int = 20) -> int:
    """Perform steps that are due, each in its own transaction with its events. Returns how many.

    A step that fails is postponed with backoff (and its error kept on the row), so one broken case
    never holds up the others.
    """
    performed = 0
    while performed < limit:
        async with pool.acquire() as conn:
            task: DueTask | None = None
            try:
                async with conn.transaction():
                    task = await CaseRepository(conn).next_due_task(now or datetime.now(UTC))
                    if task is None:
                        return performed
                    # The step joins the trace of whatever planned it (the report's, or a caseworker's).
                    with continued(task.trace_context), _tracer.start_as_current_span(f"outreach {task.step.value}"):
                        annotate(message_id=str(task.task_id))
                        await _perform(conn, task, deps)
            except Exception as error:
                if task is None:
                    raise
                await _postpone(conn, task, error)
        performed += 1
    return performed


async def _postpone(conn: asyncpg.Connection, task: DueTask, error: Exception) -> None:
    delay = RETRY_FAILED_STEP * 2 ** min(task.failures, 8)
    # No traceback: an exception's message may quote a resident's details (a letter being written).
    reason = describe_error(error)
    log.error("schedule_step_failed", task_id=str(task.task_id), case_id=str(task.case_id), step=task.step.value,
              failures=task.failures + 1, retry_in_s=delay.total_seconds(), error=reason)
    async with conn.transaction():
        await CaseRepository(conn).postpone(task.task_id, datetime.now(UTC) + delay, reason)


async def _perform(conn: asyncpg.Connection, task: DueTask, deps: Deps) -> None:
    repo = CaseRepository(conn)
    case = await repo.case_for_update(task.case_id)
    if case is None or case.status != "open":
        await repo.cancel(task.task_id)
        return
    rules = await current_rules(conn, deps)
    if task.step in (Step.FIRST_LETTER, Step.FOLLOW_UP_LETTER):
        await _send_letter(conn, repo, case, task, deps, rules)
    elif task.step is Step.VISIT and not rules.visits_enabled:
        # Visits were switched off after this one was planned: a second letter goes instead.
        await repo.cancel(task.task_id)
        await repo.schedule(case.case_id, Step.FOLLOW_UP_LETTER, task.due_at, task.cause_id)
        return
    else:
        await _announce_contact(conn, repo, case, task)
    await repo.mark_done(task.task_id)


async def _announce_contact(conn: asyncpg.Connection, repo: CaseRepository, case: Case, task: DueTask) -> None:
    """A call or visit is due: it goes on the team's worklist, and CallDue or VisitDue on the bus."""
    kind = "call" if task.step is Step.CALL else "visit"
    due_on = task.due_at.astimezone(AMSTERDAM).date()
    letter_id = await repo.first_letter_id(case.case_id)
    payload: Event = (CallDue if task.step is Step.CALL else VisitDue)(
        case_id=case.case_id, due_on=due_on, letter_id=letter_id)
    # The work item's id derives from the task, so performing the step again adds nothing.
    await repo.add_work_item(uuid.uuid5(task.task_id, "work"), case.case_id, kind, task.due_at)
    await repo.add_timeline(case.case_id, f"{kind}_due", {"due_on": due_on.isoformat()})
    await outbox.add(conn, case_envelope(case, payload, task.cause_id))


async def _send_letter(conn: asyncpg.Connection, repo: CaseRepository, case: Case, task: DueTask, deps: Deps,
                       rules: ContactRules) -> None:
    # The letter id derives from the task, so a send interrupted before it was recorded is resent
    # under the same id, and the mailbox treats it as the same letter.
    letter_id = uuid.uuid5(task.task_id, "letter")
    sent_at = datetime.now(UTC)
    first = task.step is Step.FIRST_LETTER
    planned = after_first_letter(OutreachAction(case.action), sent_at, case.has_phone, rules) if first else None
    signals = [LetterSignal(s["partner_id"], Category(s["category"]),
                            str(s["amount"]) if isinstance(s["amount"], Decimal) else None, s["arrears_since"])
               for s in await repo.signals(case.case_id)]
    writer = deps.writers[case.municipality_code]
    text = writer.render_text("first_letter" if first else "follow_up_letter", contact=case.contact, signals=signals,
                              sent_on=sent_at.astimezone(AMSTERDAM).date(), reference=reference(case.case_id),
                              next_step=planned.step.value if planned else None,
                              urgent=case.action == OutreachAction.URGENT.value)
    delivered_to = await deps.mailbox.send(letter_id, to_pdf(text, title=f"Brief {reference(case.case_id)}"),
                                           municipality_code=case.municipality_code)
    kind = "first" if first else "follow_up"
    await repo.add_letter(letter_id, case.case_id, kind, sent_at, delivered_to)
    # Each letter is a DDAS contact attempt of kind Brief; it cannot "reach" anyone by itself.
    await repo.add_contact_attempt(case_id=case.case_id, kind="Brief", reached=False,
                                   attempted_on=sent_at.astimezone(AMSTERDAM).date(), day_part=day_part(sent_at),
                                   registered_by=SERVICE, attempt_id=letter_id)
    await repo.add_timeline(case.case_id, "letter_sent", {"letter_kind": kind}, occurred_at=sent_at)
    await outbox.add(conn, case_envelope(case, LetterSent(case_id=case.case_id, letter_id=letter_id, letter_kind=kind,
                                                          sent_at=sent_at), task.cause_id))
    if planned is not None:
        await repo.schedule(case.case_id, planned.step, planned.due_at, letter_id)


def reference(case_id: uuid.UUID) -> str:
    """The case's reference in letters and on the phone: short, and not personal."""
    return str(case_id)[:8].upper()
