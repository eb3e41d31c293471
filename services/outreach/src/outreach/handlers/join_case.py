"""Add signals that joined an open case without changing it (matching's SignalsJoinedCase) to the
case, for its page and the DDAS delivery, and tell their partners `picked_up`. The case's intensity,
action, contact and plan stay as they are: no new letter, nothing replanned."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalsJoinedCase
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from .partner_feedback import tell_picked_up


async def join_case(uow: UnitOfWork, envelope: Envelope[SignalsJoinedCase]) -> bool:
    """True if the signals were added; False for a case that is unknown (erased) or closed."""
    decision = envelope.payload
    cases = CaseRepository(uow.conn)
    case = await cases.case_for_update(decision.episode_id)
    if case is None or not case.is_open:
        # As for an escalation: a closed case is not reopened or changed. Matching announces a join
        # only for a case it does not know to be closed, so this is the race with a close in flight.
        return False
    await cases.add_signals(case.case_id, decision.signals)
    await cases.add_timeline(case.case_id, "signals_joined", {
        "signals": len(decision.signals), "partners": sorted({s.partner_id for s in decision.signals}),
        "rule": decision.rule})
    await tell_picked_up(uow, envelope.household_key, decision.signals)
    return True
