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
from vroeg_runtime.consuming import (BatchHandler, Delivery, PermanentError, TransactionalConsumer, TxHandler,
                                     record_span, subscribe_batches)

from ..bootstrap import Matching
from ..adapters.repository import HouseholdRepository
from ..handlers import SERVICE, erase_household, handle_arrears_reported, handle_case_closed, handle_many

log = structlog.get_logger(__name__)
# Parametrised once: pydantic's lookup of `Envelope[X]` costs more than parsing a small envelope.
ArrearsReportedEnvelope = Envelope[ArrearsReported]


def register(matching: Matching) -> None:
    async def on_arrears_reported(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(ArrearsReportedEnvelope.parse, delivery)
        await handle_arrears_reported(HouseholdRepository(conn), envelope, matching.policies)

    async def on_arrears_reported_batch(conn: asyncpg.Connection, deliveries: list[Delivery]) -> None:
        envelopes = [_parsed(ArrearsReportedEnvelope.parse, d) for d in deliveries]
        await handle_many(conn, envelopes, handle_arrears_reported, matching.policies, create_households=True,
                          within=lambda i: record_span(deliveries[i]))

    async def on_case_event(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(parse_event, delivery)
        # The topic also carries letters, calls and visits; only a closed case changes matching.
        if isinstance(envelope.payload, CaseClosed):
            await handle_case_closed(HouseholdRepository(conn), envelope, matching.policies)

    async def on_case_events(conn: asyncpg.Connection, deliveries: list[Delivery]) -> None:
        closed = [(d, e) for d in deliveries if isinstance((e := _parsed(parse_event, d)).payload, CaseClosed)]
        await handle_many(conn, [e for _, e in closed], handle_case_closed, matching.policies,
                          create_households=False, within=lambda i: record_span(closed[i][0]))

    async def on_erasure_requested(conn: asyncpg.Connection, delivery: Delivery) -> None:
        envelope = _parsed(Envelope[ErasureRequested].parse, delivery)
        deleted = await erase_household(conn, envelope)
        log.info("household_erased", request_id=str(envelope.payload.request_id), deleted=deleted)

    subscriptions: list[tuple[str, str, str, TxHandler, BatchHandler | None]] = [
        (topics.ARREARS_REPORTED, "vroeg-matching", "arrears-reported", on_arrears_reported, on_arrears_reported_batch),
        (topics.OUTREACH_CASE_EVENTS, "vroeg-matching-case-events", "case-events", on_case_event, on_case_events),
        (topics.ERASURE_REQUESTED, "vroeg-matching-erasure", "erasure-requested", on_erasure_requested, None),
    ]
    for topic, group, inbox_name, handler, batch_handler in subscriptions:
        consumer = TransactionalConsumer(service=SERVICE, broker=matching.runtime.broker,
                                         pool=lambda: matching.runtime.db, inbox_name=inbox_name, handler=handler,
                                         batch_handler=batch_handler)
        subscribe_batches(matching.runtime.broker, [topic], group_id=group, consumer=consumer,
                          hot=topic == topics.ARREARS_REPORTED)


def _parsed(parse: Callable[[bytes], Envelope[Any]], delivery: Delivery) -> Envelope[Any]:
    try:
        return parse(delivery.value)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise PermanentError(str(error)) from error
