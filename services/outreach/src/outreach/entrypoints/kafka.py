"""Outreach's subscriptions: matching's decisions (open, escalate, join, signals ended, not picked
up), consent's share decisions (send or hold a referral) and erasure requests. Each says how to parse
a record and which use case takes it; `consume` claims it in the inbox and runs the use case in a
unit of work. A batch of decisions is taken in waves (`handlers/take_decisions.py`, issue 23)."""

from __future__ import annotations

from typing import Any

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import (
    CaseBasisChanged,
    DataShareDenied,
    DataShareGranted,
    ErasureRequested,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    SignalNotPickedUp,
    SignalsJoinedCase,
)
from vroeg_runtime.consuming import Subscription, Within, consume, envelopes_of
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import UnitOfWork

from ..handlers.dependencies import OutreachDependencies
from ..handlers.erasure import erase
from ..handlers.sharing import act_on_decision
from ..handlers.take_decisions import take_decision, take_decisions

log = structlog.get_logger(__name__)


def register(runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    async def on_decision(uow: UnitOfWork, envelope: Envelope[Any]) -> None:
        await take_decision(uow, envelope, deps)

    async def on_decisions(uow: UnitOfWork, envelopes: list[Envelope[Any]], within: Within) -> None:
        await take_decisions(uow, envelopes, deps, within)

    async def on_share_decided(uow: UnitOfWork, envelope: Envelope[DataShareGranted | DataShareDenied]) -> None:
        result = await act_on_decision(uow, envelope, deps.referrals)
        log.info("share_decision_handled", event_type=envelope.event_type, request_id=str(envelope.payload.request_id),
                 result=result)

    async def on_erasure_requested(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> None:
        deleted = await erase(uow, envelope, deps)
        log.info("household_erased", request_id=str(envelope.payload.request_id), rows=sum(deleted.values()))

    # One consumer group per subscription, so a rebalance of one never stalls the others. The group
    # ids are in deploy/security.toml's ACLs; the inbox names key the rows already claimed.
    # Every event type matching publishes on the topic is listed: any other is dead-lettered, so
    # outreach is deployed with a new decision before matching publishes it (ADR 0004, ADR 0014).
    consume(runtime, [topics.MATCHING_DECISIONS], group_id="vroeg-outreach", subscription=Subscription(
        inbox="matching-decisions",
        parse=envelopes_of(HouseholdAtRisk, HouseholdRiskEscalated, SignalsJoinedCase, CaseBasisChanged,
                           SignalNotPickedUp),
        handle=on_decision, handle_batch=on_decisions))
    consume(runtime, [topics.DATA_SHARE_DECIDED], group_id="vroeg-outreach-share-decisions", subscription=Subscription(
        inbox="data-share-decided", parse=envelopes_of(DataShareGranted, DataShareDenied), handle=on_share_decided))
    consume(runtime, [topics.ERASURE_REQUESTED], group_id="vroeg-outreach-erasure", subscription=Subscription(
        inbox="erasure-requested", parse=envelopes_of(ErasureRequested), handle=on_erasure_requested))
