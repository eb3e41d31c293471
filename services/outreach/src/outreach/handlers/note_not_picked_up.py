"""Note a signal matching did not pick up (SignalNotPickedUp): keep it for the DDAS delivery, with only
the DDAS client of its sealed contact, show a repeat on its household's open case, and tell the
partner `not_picked_up`. Matching announces a signal again when its status changes (a repeat its
partner withdrew is then "Niet opgepakt: onterecht signaal"): the newer status replaces the kept one,
and the partner, told already, hears nothing new.

A batch of them is noted with five statements in all, not three per signal (issue 23): a fifth of
matching's decisions are signals not picked up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalNotPickedUp
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_contracts.privacy import unseal
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.feedback import PartnerFeedback
from ..adapters.repository import CaseRepository, NotPickedUp
from ..domain.ddas import client_details
from .dependencies import OutreachDependencies
from .partner_feedback import tell_once_in_batch


async def note_not_picked_up(uow: UnitOfWork, envelope: Envelope[SignalNotPickedUp], deps: OutreachDependencies) -> None:
    await notes_not_picked_up(uow, [envelope], deps)


async def notes_not_picked_up(uow: UnitOfWork, envelopes: Sequence[Envelope[SignalNotPickedUp]],
                              deps: OutreachDependencies, within: Within = no_spans) -> None:
    """`note_not_picked_up` for each decision, each signal at most once (decisions of one household
    go in separate batches, `domain/decision_waves.py`); `within(i)` is the trace span of decision i,
    which the partner's feedback carries on."""
    cases, feedback = CaseRepository(uow.conn), PartnerFeedback(uow.conn)
    answered = await feedback.answered([(e.payload.partner_id, e.payload.report_id) for e in envelopes])
    now = datetime.now(UTC)
    kept: list[NotPickedUp] = []
    messages: list[tuple[ReportFeedback, str]] = []
    for index, envelope in enumerate(envelopes):
        signal = envelope.payload
        with within(index):
            # Opened here, like a case's contact, but only the client DDAS asks for is kept: nobody is
            # contacted about a signal that was not picked up. Events from before matching sent it have none.
            contact = client_details(unseal(signal.contact, deps.private_keys)) if signal.contact else None
            kept.append(NotPickedUp(signal.signal_id, envelope.household_key, envelope.municipality_code,
                                    signal.partner_id, signal.report_id, signal.category.value, signal.ddas_status,
                                    envelope.occurred_at, contact, signal.signal_date, signal.arrears_since,
                                    signal.amount, signal.crisis))
            tell_once_in_batch(uow, answered, messages, partner_id=signal.partner_id, report_id=signal.report_id,
                               household_key=envelope.household_key, outcome="not_picked_up", decided_at=now)
    changed = await cases.add_not_picked_up(kept)
    households = await cases.open_cases_of_households(sorted({k.household_key for k in kept if k.signal_id in changed})) \
        if changed else {}
    # The team sees a repeat, or its new status, on the household's open case page.
    entries = [(households[k.household_key],
                "signal_not_picked_up" if changed[k.signal_id] == "new" else "not_picked_up_status_changed",
                {"partner_id": k.partner_id, "status": k.ddas_status})
               for k in kept if k.signal_id in changed and k.household_key in households]
    if entries:
        await cases.add_timelines(entries)
    if messages:
        await feedback.record_many(messages)
