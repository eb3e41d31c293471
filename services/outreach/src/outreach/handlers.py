"""Outreach's use cases: open and escalate cases from matching's decisions, and perform due steps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import structlog

from vroeg_contracts.envelope import Envelope, Event
from vroeg_contracts.events import (
    CallDue,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    LetterSent,
    OutreachAction,
    SignalNotPickedUp,
    VisitDue,
)
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import unseal
from vroeg_runtime import outbox

from .adapters.letters import LetterSignal, LetterWriter, to_pdf
from .adapters.mail import Mailbox
from .adapters.repository import Case, CaseRepository, DueTask
from .domain.calendar import AMSTERDAM
from .domain.plan import ContactRules, Step, after_first_letter

SERVICE = "outreach"
log = structlog.get_logger(__name__)


@dataclass
class Deps:
    """What the use cases need from outside: keys, rules, letter writers and the mailbox."""

    private_keys: dict[str, bytes]
    rules: ContactRules
    writers: dict[str, LetterWriter]
    mailbox: Mailbox


def _envelope(case: Case, payload: Event, cause_id: uuid.UUID) -> Envelope[Any]:
    return Envelope.wrap(payload, producer=SERVICE, municipality_code=case.municipality_code,
                         household_key=case.household_key, correlation_id=case.correlation_id, causation_id=cause_id)


async def open_case(conn: asyncpg.Connection, envelope: Envelope[HouseholdAtRisk], deps: Deps) -> bool:
    """Open the case and plan its first letter for now. False if it was open already."""
    decision = envelope.payload
    repo = CaseRepository(conn)
    contact = unseal(decision.contact, deps.private_keys)
    created = await repo.add_case(case_id=decision.episode_id, household_key=envelope.household_key,
                                  municipality_code=envelope.municipality_code, correlation_id=envelope.correlation_id,
                                  intensity=decision.intensity.value, action=decision.action.value, rule=decision.rule,
                                  contact=contact)
    if created:
        await repo.add_signals(decision.episode_id, decision.signals)
        await repo.schedule(decision.episode_id, Step.FIRST_LETTER, datetime.now(UTC), envelope.event_id)
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
    sent_at = await repo.first_letter_sent_at(case.case_id)
    # Before the first letter, the letter step plans the follow-up itself with the new action.
    if sent_at is not None and not await repo.contact_planned(case.case_id):
        planned = after_first_letter(decision.action, sent_at, bool(contact.phone), deps.rules)
        if planned is not None:
            await repo.schedule(case.case_id, planned.step, max(planned.due_at, datetime.now(UTC)), envelope.event_id)


async def note_not_picked_up(conn: asyncpg.Connection, envelope: Envelope[SignalNotPickedUp]) -> None:
    p = envelope.payload
    await CaseRepository(conn).add_not_picked_up(signal_id=p.signal_id, household_key=envelope.household_key,
                                                 partner_id=p.partner_id, report_id=p.report_id,
                                                 category=p.category.value, ddas_status=p.ddas_status)


async def perform_due_steps(pool: asyncpg.Pool, deps: Deps, *, now: datetime | None = None, limit: int = 20) -> int:
    """Perform every step that is due, each in its own transaction with its events. Returns how many."""
    async with pool.acquire() as conn, conn.transaction():
        tasks = await CaseRepository(conn).due_tasks(now or datetime.now(UTC), limit)
        for task in tasks:
            await _perform(conn, task, deps)
    return len(tasks)


async def _perform(conn: asyncpg.Connection, task: DueTask, deps: Deps) -> None:
    repo = CaseRepository(conn)
    case = await repo.case_for_update(task.case_id)
    if case is None or case.status != "open":
        await repo.cancel(task.task_id)
        return
    if task.step in (Step.FIRST_LETTER, Step.FOLLOW_UP_LETTER):
        await _send_letter(conn, repo, case, task, deps)
    elif task.step is Step.VISIT and not deps.rules.visits_enabled:
        # Visits were switched off after this one was planned: a second letter goes instead.
        await repo.cancel(task.task_id)
        await repo.schedule(case.case_id, Step.FOLLOW_UP_LETTER, task.due_at, task.cause_id)
        return
    else:
        first_letter = await conn.fetchval(
            "SELECT letter_id FROM letters WHERE case_id = $1 ORDER BY sent_at LIMIT 1", case.case_id)
        due_on = task.due_at.astimezone(AMSTERDAM).date()
        payload: Event = (CallDue if task.step is Step.CALL else VisitDue)(
            case_id=case.case_id, due_on=due_on, letter_id=first_letter)
        await outbox.add(conn, _envelope(case, payload, task.cause_id))
    await repo.mark_done(task.task_id)


async def _send_letter(conn: asyncpg.Connection, repo: CaseRepository, case: Case, task: DueTask, deps: Deps) -> None:
    # The letter id derives from the task, so a send interrupted before it was recorded is resent
    # under the same id, and the mailbox treats it as the same letter.
    letter_id = uuid.uuid5(task.task_id, "letter")
    sent_at = datetime.now(UTC)
    kind = "first_letter" if task.step is Step.FIRST_LETTER else "follow_up_letter"
    planned = (after_first_letter(OutreachAction(case.action), sent_at, case.has_phone, deps.rules)
               if task.step is Step.FIRST_LETTER else None)
    signals = [LetterSignal(s["partner_id"], Category(s["category"]),
                            str(s["amount"]) if isinstance(s["amount"], Decimal) else None, s["arrears_since"])
               for s in await repo.signals(case.case_id)]
    writer = deps.writers[case.municipality_code]
    text = writer.render_text(kind, contact=case.contact, signals=signals, sent_on=sent_at.astimezone(AMSTERDAM).date(),
                              reference=str(case.case_id)[:8].upper(), next_step=planned.step.value if planned else None)
    delivered_to = await deps.mailbox.send(letter_id, to_pdf(text, title=f"Brief {case.case_id}"),
                                           municipality_code=case.municipality_code)
    await repo.add_letter(letter_id, case.case_id, "first" if task.step is Step.FIRST_LETTER else "follow_up",
                          sent_at, delivered_to)
    await repo.add_contact_attempt(case_id=case.case_id, kind="Brief", reached=False,
                                   attempted_on=sent_at.astimezone(AMSTERDAM).date(), day_part=None,
                                   registered_by=SERVICE, attempt_id=letter_id)
    await outbox.add(conn, _envelope(case, LetterSent(case_id=case.case_id, letter_id=letter_id,
                                                      letter_kind="first" if task.step is Step.FIRST_LETTER else "follow_up",
                                                      sent_at=sent_at), task.cause_id))
    if planned is not None:
        await repo.schedule(case.case_id, planned.step, planned.due_at, letter_id)

