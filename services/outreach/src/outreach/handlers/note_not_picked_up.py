"""Note a signal matching did not pick up (SignalNotPickedUp): keep it for the DDAS delivery, show a
repeat on its household's open case, and tell the partner `not_picked_up`."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalNotPickedUp
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from .partner_feedback import tell_partner


async def note_not_picked_up(uow: UnitOfWork, envelope: Envelope[SignalNotPickedUp]) -> None:
    signal = envelope.payload
    cases = CaseRepository(uow.conn)
    await cases.add_not_picked_up(signal_id=signal.signal_id, household_key=envelope.household_key,
                                  municipality_code=envelope.municipality_code, partner_id=signal.partner_id,
                                  report_id=signal.report_id, category=signal.category.value,
                                  ddas_status=signal.ddas_status)
    case_id = await cases.open_case_of_household(envelope.household_key)
    if case_id is not None:  # a repeat of a signal in an open case: the team sees it on the case page
        await cases.add_timeline(case_id, "signal_not_picked_up", {"partner_id": signal.partner_id,
                                                                   "status": signal.ddas_status})
    await tell_partner(uow, partner_id=signal.partner_id, report_id=signal.report_id,
                       household_key=envelope.household_key, outcome="not_picked_up")
