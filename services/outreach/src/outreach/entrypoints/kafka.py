"""Outreach's subscribers: matching's decisions (open, escalate, not picked up), consent's share
decisions (send or hold a referral) and erasure requests. Each parses, claims the message in the
inbox and hands it to its use case in one transaction."""

from __future__ import annotations

from typing import Any

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, parse_event
from vroeg_contracts.events import (
    DataShareDenied,
    DataShareGranted,
    ErasureRequested,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    SignalNotPickedUp,
)
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, subscribe

from .. import erasure, sharing
from ..bootstrap import Outreach
from ..handlers import SERVICE, escalate_case, note_not_picked_up, open_case

log = structlog.get_logger(__name__)


def _parse(delivery: Delivery, *expected: type) -> Envelope[Any]:
    try:
        envelope = parse_event(delivery.value)
    except ValueError as error:
        raise PermanentError(str(error)) from error
    if not isinstance(envelope.payload, expected):
        raise PermanentError(f"event_type: outreach does not handle {envelope.event_type} on {delivery.topic}")
    return envelope


def register(outreach: Outreach) -> None:
    runtime, deps, broker = outreach.runtime, outreach.deps, outreach.runtime.broker

    async def on_decision(delivery: Delivery) -> None:
        envelope = _parse(delivery, HouseholdAtRisk, HouseholdRiskEscalated, SignalNotPickedUp)
        async with runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "matching-decisions", str(envelope.event_id)):
                return
            match envelope.payload:
                case HouseholdAtRisk():
                    await open_case(conn, envelope, deps)
                case HouseholdRiskEscalated():
                    await escalate_case(conn, envelope, deps)
                case SignalNotPickedUp():
                    await note_not_picked_up(conn, envelope)
        log.info("decision_handled", event_type=envelope.event_type, event_id=str(envelope.event_id),
                 correlation_id=str(envelope.correlation_id))

    async def on_share_decided(delivery: Delivery) -> None:
        envelope = _parse(delivery, DataShareGranted, DataShareDenied)
        async with runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "data-share-decided", str(envelope.event_id)):
                return
            result = await sharing.act_on_decision(conn, envelope, deps.referrals)
        log.info("share_decision_handled", event_type=envelope.event_type, request_id=str(envelope.payload.request_id),
                 result=result)

    async def on_erasure_requested(delivery: Delivery) -> None:
        envelope = _parse(delivery, ErasureRequested)
        async with runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "erasure-requested", str(envelope.event_id)):
                return
            deleted = await erasure.erase(conn, envelope)
        log.info("household_erased", request_id=str(envelope.payload.request_id), rows=sum(deleted.values()))

    # One consumer group per subscription, so a rebalance of one never stalls the others.
    for topic, group, handler in (
        (topics.MATCHING_DECISIONS, "vroeg-outreach", on_decision),
        (topics.DATA_SHARE_DECIDED, "vroeg-outreach-share-decisions", on_share_decided),
        (topics.ERASURE_REQUESTED, "vroeg-outreach-erasure", on_erasure_requested),
    ):
        subscribe(broker, [topic], group_id=group,
                  consumer=DurableConsumer(service=SERVICE, broker=broker, handler=handler))
