"""Outreach consumes matching's decisions: open a case, escalate it, or note a signal not picked up."""

from __future__ import annotations

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import parse_event
from vroeg_contracts.events import HouseholdAtRisk, HouseholdRiskEscalated, SignalNotPickedUp
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, subscribe

from ..bootstrap import Outreach
from ..handlers import SERVICE, escalate_case, note_not_picked_up, open_case

log = structlog.get_logger(__name__)


def register(outreach: Outreach) -> None:
    async def on_decision(delivery: Delivery) -> None:
        try:
            envelope = parse_event(delivery.value)
        except ValueError as error:
            raise PermanentError(str(error)) from error
        async with outreach.runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "matching-decisions", str(envelope.event_id)):
                return
            match envelope.payload:
                case HouseholdAtRisk():
                    await open_case(conn, envelope, outreach.deps)
                case HouseholdRiskEscalated():
                    await escalate_case(conn, envelope, outreach.deps)
                case SignalNotPickedUp():
                    await note_not_picked_up(conn, envelope)
                case _:
                    raise PermanentError(f"event_type: outreach does not handle {envelope.event_type}")
        log.info("decision_handled", event_type=envelope.event_type, event_id=str(envelope.event_id),
                 correlation_id=str(envelope.correlation_id))

    consumer = DurableConsumer(service=SERVICE, broker=outreach.runtime.broker, handler=on_decision)
    subscribe(outreach.runtime.broker, [topics.MATCHING_DECISIONS], group_id="vroeg-outreach", consumer=consumer)
