"""Open a case for a household at risk (matching's HouseholdAtRisk) and plan its first letter.

The letter follows at once: it is planned for now, and the schedule loop (entrypoints/loops.py)
writes and sends it through `handlers/send_letter.py`, which then plans the call or visit a week
later (or the next working day for a crisis; `domain/plan.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import HouseholdAtRisk
from vroeg_contracts.privacy import unseal
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from .dependencies import OutreachDependencies
from .partner_feedback import tell_picked_up


async def open_case(uow: UnitOfWork, envelope: Envelope[HouseholdAtRisk], deps: OutreachDependencies) -> bool:
    """Open the case and plan its first letter for now. False if it was open already."""
    decision = envelope.payload
    cases = CaseRepository(uow.conn)
    contact = unseal(decision.contact, deps.private_keys)
    created = await cases.add_case(case_id=decision.episode_id, household_key=envelope.household_key,
                                   municipality_code=envelope.municipality_code, correlation_id=envelope.correlation_id,
                                   intensity=decision.intensity.value, action=decision.action.value, rule=decision.rule,
                                   contact=contact, matched_on=decision.matched_on, window_start=decision.window_start,
                                   window_end=decision.window_end)
    if not created:
        return False  # a redelivered decision
    await cases.add_signals(decision.episode_id, decision.signals)
    await Schedule(uow.conn).plan_letter(decision.episode_id, at=datetime.now(UTC), cause_id=envelope.event_id)
    await cases.add_timeline(decision.episode_id, "opened", {"intensity": decision.intensity.value,
                                                             "action": decision.action.value, "rule": decision.rule,
                                                             "signals": len(decision.signals)})
    await tell_picked_up(uow, envelope.household_key, decision.signals)
    return True
