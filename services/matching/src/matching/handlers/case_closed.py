"""Outreach closed a case (`CaseClosed`): remember the day, which ends the case and starts repeat
suppression, and decide on the household again. Outreach's close of a case matching ended itself
(ADR 0015) is stored and changes nothing: that case ended with its signals. Outreach's case-events
topic also carries letters, calls and visits: they change nothing here and are skipped (claimed in
the inbox all the same)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import CaseClosed
from vroeg_contracts.partner_report import AMSTERDAM
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.policy_book import PolicyBook
from ..adapters.repository import HouseholdRepository
from ..domain.decisions import ended_by_matching
from .deciding import decide_and_announce, in_one_batch

log = structlog.get_logger(__name__)


async def handle_case_event(uow: UnitOfWork, envelope: Envelope[Any], policies: PolicyBook) -> list[str]:
    """One event of outreach's case-events topic: only a closed case changes matching."""
    if not isinstance(envelope.payload, CaseClosed):
        return []
    return await note_case_closed(uow, HouseholdRepository(uow.conn), envelope, policies)


async def handle_case_events_batch(uow: UnitOfWork, envelopes: Sequence[Envelope[Any]], within: Within = no_spans,
                                   *, policies: PolicyBook) -> list[list[str]]:
    """The closed cases among a batch of case events, with a few statements for the whole batch."""
    closed = [(index, e) for index, e in enumerate(envelopes) if isinstance(e.payload, CaseClosed)]

    async def note(repo: HouseholdRepository, envelope: Envelope[CaseClosed]) -> list[str]:
        return await note_case_closed(uow, repo, envelope, policies)

    return await in_one_batch(uow, [e for _, e in closed], note, create_households=False,
                              within=lambda i: within(closed[i][0]))


async def note_case_closed(uow: UnitOfWork, repo: HouseholdRepository, envelope: Envelope[CaseClosed],
                           policies: PolicyBook) -> list[str]:
    """Remember the close date of an outreach case: it ends the case and starts repeat suppression."""
    event = envelope.payload
    household = await repo.lock(envelope.household_key)
    if household is None:
        return ["UnknownHousehold"]  # erased or past retention: there is nothing left to close
    policy = policies.policy_for(household.municipality_code)
    closed_on = await repo.save_closure(household.household_key, event.case_id,
                                        event.closed_at.astimezone(AMSTERDAM).date())
    household.closed[event.case_id] = closed_on
    trigger = {"case_closed": str(event.case_id), "closed_on": closed_on.isoformat()}
    # Outreach closes a case matching ended on receipt of the end (ADR 0015): nothing changes.
    ended = ended_by_matching(household.announced, event.case_id)
    why = f"; matching had ended it on {ended[0]} ({ended[1]})" if ended else ""
    outcomes = await decide_and_announce(
        uow, repo, envelope, household, policy, trigger,
        lambda _: f"nothing new to announce: case {event.case_id} closed by outreach on {closed_on}{why}")
    log.info("case_closed_noted", event_id=str(envelope.event_id), outcomes=outcomes)
    return outcomes
