"""Outreach's subscriptions: matching's decisions (open, escalate, join, signals ended, not picked
up), consent's share decisions (send or hold a referral) and erasure requests. Each says how to parse
a record and which use case takes it; `consume` claims it in the inbox and runs the use case in a
unit of work. A batch of decisions opens its new cases together (issue 23)."""

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
from ..handlers.end_signals import end_signals
from ..handlers.erasure import erase
from ..handlers.escalate_case import escalate_case
from ..handlers.join_case import join_case
from ..handlers.note_not_picked_up import note_not_picked_up
from ..handlers.open_case import open_case, open_cases
from ..handlers.sharing import act_on_decision

log = structlog.get_logger(__name__)


def _log_handled(envelope: Envelope[Any]) -> None:
    log.info("decision_handled", event_type=envelope.event_type, event_id=str(envelope.event_id),
             correlation_id=str(envelope.correlation_id))


def register(runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    async def on_decision(uow: UnitOfWork, envelope: Envelope[Any]) -> None:
        match envelope.payload:
            case HouseholdAtRisk():
                await open_case(uow, envelope, deps)
            case HouseholdRiskEscalated():
                await escalate_case(uow, envelope, deps)
            case SignalsJoinedCase():
                await join_case(uow, envelope)
            case CaseBasisChanged():
                await end_signals(uow, envelope)
            case SignalNotPickedUp():
                await note_not_picked_up(uow, envelope, deps)
        _log_handled(envelope)

    async def on_decisions(uow: UnitOfWork, envelopes: list[Envelope[Any]], within: Within) -> None:
        """A batch of decisions in order: each run of HouseholdAtRisk opens its cases at once
        (`open_cases`), every other decision is handled on its own, where it stands."""
        run: list[int] = []

        async def open_run() -> None:
            await open_cases(uow, [envelopes[i] for i in run], deps, within=lambda k: within(run[k]))
            for i in run:
                _log_handled(envelopes[i])
            run.clear()

        for index, envelope in enumerate(envelopes):
            if isinstance(envelope.payload, HouseholdAtRisk):
                run.append(index)
                continue
            if run:
                await open_run()
            with within(index):
                await on_decision(uow, envelope)
        if run:
            await open_run()

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
