"""Note a signal matching did not pick up (SignalNotPickedUp): keep it for the DDAS delivery, with only
the DDAS client of its sealed contact, show a repeat on its household's open case, and tell the
partner `not_picked_up`. Matching announces a signal again when its status changes (a repeat its
partner withdrew is then "Niet opgepakt: onterecht signaal"): the newer status replaces the kept one,
and the partner, told already, hears nothing new."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalNotPickedUp
from vroeg_contracts.privacy import unseal
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..domain.ddas import client_details
from .dependencies import OutreachDependencies
from .partner_feedback import tell_partner


async def note_not_picked_up(uow: UnitOfWork, envelope: Envelope[SignalNotPickedUp], deps: OutreachDependencies) -> None:
    signal = envelope.payload
    cases = CaseRepository(uow.conn)
    # Opened here, like a case's contact, but only the client DDAS asks for is kept: nobody is
    # contacted about a signal that was not picked up. Events from before matching sent it have none.
    contact = client_details(unseal(signal.contact, deps.private_keys)) if signal.contact else None
    kept = await cases.add_not_picked_up(
        signal_id=signal.signal_id, household_key=envelope.household_key, municipality_code=envelope.municipality_code,
        partner_id=signal.partner_id, report_id=signal.report_id, category=signal.category.value,
        ddas_status=signal.ddas_status, status_at=envelope.occurred_at, contact=contact, signal_date=signal.signal_date,
        arrears_since=signal.arrears_since, amount=signal.amount, crisis=signal.crisis)
    case_id = await cases.open_case_of_household(envelope.household_key)
    if case_id is not None and kept is not None:  # the team sees a repeat, or its new status, on the case page
        await cases.add_timeline(case_id, "signal_not_picked_up" if kept == "new" else "not_picked_up_status_changed",
                                 {"partner_id": signal.partner_id, "status": signal.ddas_status})
    await tell_partner(uow, partner_id=signal.partner_id, report_id=signal.report_id,
                       household_key=envelope.household_key, outcome="not_picked_up")
