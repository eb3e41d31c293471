"""Matching's subscribers: intake's `ArrearsReported`, outreach's `CaseClosed`, consent's `ErasureRequested`.

Each is a transactional batch consumer: a batch of records is handled in one database transaction
together with its inbox claims (keyed by event id), and committed to Kafka only after that; a batch
that fails is redone one record at a time, with retries and dead letters (vroeg_runtime.consuming).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, parse_event
from vroeg_contracts.events import ArrearsReported, CaseClosed, ErasureRequested
from vroeg_runtime.consuming import Delivery, PermanentError, TransactionalConsumer, TxHandler, subscribe_batches

from ..bootstrap import Matching
from ..handlers import SERVICE, erase_household, handle_arrears_reported, handle_case_closed

log = structlog.get_logger(__name__)


def register(matching: Matching) -> None:
    async def on_arrears_reported(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(Envelope[ArrearsReported].parse, delivery)
        outcomes = await handle_arrears_reported(conn, envelope, matching.policies)
        log.info("signal_assessed", event_id=str(envelope.event_id), outcomes=outcomes)

    async def on_case_event(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(parse_event, delivery)
        # The topic also carries letters, calls and visits; only a closed case changes matching.
        if isinstance(envelope.payload, CaseClosed):
            outcomes = await handle_case_closed(conn, envelope, matching.policies)
            log.info("case_closed_noted", event_id=str(envelope.event_id), outcomes=outcomes)

    async def on_erasure_requested(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(Envelope[ErasureRequested].parse, delivery)
        deleted = await erase_household(conn, envelope)
        log.info("household_erased", request_id=str(envelope.payload.request_id), deleted=deleted)

    subscriptions: list[tuple[str, str, str, TxHandler]] = [
        (topics.ARREARS_REPORTED, "vroeg-matching", "arrears-reported", on_arrears_reported),
        (topics.OUTREACH_CASE_EVENTS, "vroeg-matching-case-events", "case-events", on_case_event),
        (topics.ERASURE_REQUESTED, "vroeg-matching-erasure", "erasure-requested", on_erasure_requested),
    ]
    for topic, group, inbox_name, handler in subscriptions:
        consumer = TransactionalConsumer(service=SERVICE, broker=matching.runtime.broker,
                                         pool=lambda: matching.runtime.db, inbox_name=inbox_name, handler=handler)
        subscribe_batches(matching.runtime.broker, [topic], group_id=group, consumer=consumer)


def _parsed(parse: Callable[[bytes], Envelope[Any]], delivery: Delivery) -> Envelope[Any]:
    try:
        return parse(delivery.value)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise PermanentError(str(error)) from error
