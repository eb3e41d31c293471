"""Signals of a case ended (matching's CaseBasisChanged): withdrawn by their partner (sent in error)
or resolved (the resident paid or made an arrangement). Each stays on the case, marked with how and
on which day it ended, for the case page and the DDAS delivery (a withdrawn one is delivered as
"Niet opgepakt: onterecht signaal"), with a timeline entry for the team. When the case rests on
nothing any more, matching names the DDAS outcome and the case is closed with it (`close_case`:
what was planned is cancelled, the worklist cleared); a first letter that went out for signals that
were all withdrawn is noted as sent in error, and stays a contact attempt. Partners are told
nothing: the withdrawal or the payment is their own report."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import CaseBasisChanged
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..domain.signal_ends import all_withdrawn
from .close_case import close_case

CLOSED_BY = "matching"  # the case closes on matching's decision, not a caseworker's


async def end_signals(uow: UnitOfWork, envelope: Envelope[CaseBasisChanged]) -> bool:
    """True if the case was closed. A case that is unknown (erased) or closed already keeps the ends
    on its signals, if it has them, and is not touched otherwise: no timeline entry (its retention
    counts from its last event), nothing closed."""
    decision = envelope.payload
    cases = CaseRepository(uow.conn)
    case = await cases.case_for_update(decision.episode_id)
    ended = await cases.end_signals(decision.episode_id, decision.ended)
    if case is None or not case.is_open:
        return False
    for end in ended:  # a redelivered decision ends nothing anew, so it adds nothing here
        await cases.add_timeline(case.case_id, f"signal_{end.ended}", {"partner_id": end.partner_id, "on": end.on})
    if decision.closes_with is None:
        return False
    sent_at = await cases.first_letter_sent_at(case.case_id)
    if sent_at is not None and all_withdrawn(s["ended"] for s in await cases.signals(case.case_id)):
        await cases.add_timeline(case.case_id, "letter_in_error", {"sent_at": sent_at})
    await close_case(uow, case, outcome=decision.closes_with, closed_by=CLOSED_BY)
    return True
