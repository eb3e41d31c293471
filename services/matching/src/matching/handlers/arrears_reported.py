"""A partner reported arrears (intake's `ArrearsReported`): fold the report into its signal, decide
on the household and announce what is new. The Kafka path takes a whole batch at once."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_report import ReportStatus
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.policy_book import PolicyBook
from ..adapters.repository import HouseholdRepository
from ..domain.folding import fold
from ..domain.model import Assessment
from .deciding import decide_and_announce, in_one_batch

log = structlog.get_logger(__name__)


async def handle_arrears_reported(uow: UnitOfWork, envelope: Envelope[ArrearsReported],
                                  policies: PolicyBook) -> list[str]:
    """Fold the report into its household, decide, announce what is new. Returns the outcomes."""
    return await take_report(uow, HouseholdRepository(uow.conn), envelope, policies)


async def handle_arrears_reported_batch(uow: UnitOfWork, envelopes: Sequence[Envelope[ArrearsReported]],
                                        within: Within = no_spans, *, policies: PolicyBook
                                        ) -> list[list[str]]:
    """The same for a batch of reports, with a few statements for the whole batch (ADR 0005)."""
    async def take(repo: HouseholdRepository, envelope: Envelope[ArrearsReported]) -> list[str]:
        return await take_report(uow, repo, envelope, policies)

    return await in_one_batch(uow, envelopes, take, create_households=True, within=within)


async def take_report(uow: UnitOfWork, repo: HouseholdRepository, envelope: Envelope[ArrearsReported],
                      policies: PolicyBook) -> list[str]:
    policy = policies.policy_for(envelope.municipality_code)  # the one in force now: files are reloaded
    event = envelope.payload
    household = await repo.lock(envelope.household_key, create_in=envelope.municipality_code)
    assert household is not None
    household.signals[event.signal_id] = fold(household.signals.get(event.signal_id), event)
    if event.status is ReportStatus.OPEN or event.signal_id not in household.contacts:
        household.contacts[event.signal_id] = event.contact
    await repo.save_signal(household.household_key, envelope.municipality_code, household.signals[event.signal_id],
                           household.contacts[event.signal_id])

    def nothing_new(assessment: Assessment) -> str:
        status, reason = assessment.statuses[event.signal_id].value, assessment.reasons[event.signal_id]
        return f"nothing new to announce: the {event.status.value} report leaves the signal {status} ({reason})"

    trigger = {"signal_id": str(event.signal_id), "report_status": event.status.value}
    outcomes = await decide_and_announce(uow, repo, envelope, household, policy, trigger, nothing_new)
    log.info("signal_assessed", event_id=str(envelope.event_id), outcomes=outcomes)
    return outcomes
