"""Open a case for a household at risk (matching's HouseholdAtRisk) and plan its first letter.

The letter follows at once: it is planned for now, and the schedule loop (entrypoints/loops.py)
writes and sends it through `handlers/send_letter.py`, which then plans the call or visit a week
later (or the next working day for a crisis; `domain/plan.py`).

A batch of decisions opens its cases with one statement per table (issue 23): what exists already
is read first, each decision is then taken in its own trace span (the case, its first letter and
the partners' feedback carry that trace on), and everything is written at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import HouseholdAtRisk
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_contracts.privacy import unseal
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.telemetry import current_traceparent
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.feedback import PartnerFeedback
from ..adapters.repository import CaseRepository, NewCase
from ..adapters.schedule import Schedule
from ..domain.case import arrears_summary
from ..domain.plan import Step
from .dependencies import OutreachDependencies
from .partner_feedback import tell_once_in_batch


async def open_case(uow: UnitOfWork, envelope: Envelope[HouseholdAtRisk], deps: OutreachDependencies) -> bool:
    """Open the case and plan its first letter for now. False if it was open already."""
    return (await open_cases(uow, [envelope], deps))[0]


async def open_cases(uow: UnitOfWork, envelopes: Sequence[Envelope[HouseholdAtRisk]], deps: OutreachDependencies,
                     within: Within = no_spans) -> list[bool]:
    """`open_case` for each decision, in order; `within(i)` is the trace span of decision i."""
    cases, feedback = CaseRepository(uow.conn), PartnerFeedback(uow.conn)
    seen = await cases.existing([e.payload.episode_id for e in envelopes])
    answered = await feedback.answered([(s.partner_id, s.report_id) for e in envelopes for s in e.payload.signals])
    now = datetime.now(UTC)
    new: list[tuple[NewCase, Envelope[HouseholdAtRisk]]] = []
    messages: list[tuple[ReportFeedback, str]] = []
    opened: list[bool] = []
    for index, envelope in enumerate(envelopes):
        decision = envelope.payload
        if decision.episode_id in seen:
            opened.append(False)  # a redelivered decision
            continue
        seen.add(decision.episode_id)
        with within(index):
            trace_context = current_traceparent()
            new.append((NewCase(decision.episode_id, envelope.household_key, envelope.municipality_code,
                               envelope.correlation_id, decision.intensity.value, decision.action.value, decision.rule,
                               unseal(decision.contact, deps.private_keys), decision.matched_on, decision.window_start,
                               decision.window_end, trace_context, arrears_summary(decision.signals)), envelope))
            # Every signal that became part of a case was picked up: its partner hears so, once.
            for signal in decision.signals:
                tell_once_in_batch(uow, answered, messages, partner_id=signal.partner_id, report_id=signal.report_id,
                                   household_key=envelope.household_key, outcome="picked_up", decided_at=now)
        opened.append(True)
    if not new:
        return opened
    await cases.add_cases([c for c, _ in new])
    # The cases carry their summary of these signals already: no second write of each case.
    await cases.add_signals_of({c.case_id: e.payload.signals for c, e in new}, summarise=False)
    await Schedule(uow.conn).plan_many([(c.case_id, Step.FIRST_LETTER, now, e.event_id, c.trace_context) for c, e in new])
    await cases.add_timelines([(c.case_id, "opened", {"intensity": c.intensity, "action": c.action, "rule": c.rule,
                                                      "signals": len(e.payload.signals)}) for c, e in new])
    if messages:
        await feedback.record_many(messages)
    return opened
