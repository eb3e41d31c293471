"""Consent's subscribers: share requests to decide, erasure requests to carry out on its own store,
and every service's erasure answers to track. Each parses, claims the event in the inbox and hands on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import asyncpg
import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, Event
from vroeg_contracts.events import DataShareRequested, ErasureCompleted, ErasureRequested
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, subscribe

from ..handlers import SERVICE
from ..handlers.erasure import erase_own_data, record_erasure_receipt
from ..handlers.sharing import decide_share

if TYPE_CHECKING:
    from ..bootstrap import ConsentService

log = structlog.get_logger(__name__)

Handle = Callable[[asyncpg.Connection, Any], Awaitable[Any]]


def register(consent: ConsentService) -> None:
    _consume(consent, topics.DATA_SHARE_REQUESTED, DataShareRequested, decide_share,
             group_id="vroeg-consent", inbox_name="data-share-requested")
    _consume(consent, topics.ERASURE_REQUESTED, ErasureRequested, erase_own_data,
             group_id="vroeg-consent-erasure", inbox_name="erasure-requested")
    _consume(consent, topics.ERASURE_COMPLETED, ErasureCompleted, record_erasure_receipt,
             group_id="vroeg-consent-erasure-receipts", inbox_name="erasure-completed")


def _consume(consent: ConsentService, topic: str, event_type: type[Event], handle: Handle, *, group_id: str,
             inbox_name: str) -> None:
    """Subscribe `handle` to one event type: parse (bad input is dead-lettered at once), claim, handle, commit."""

    async def on_delivery(delivery: Delivery) -> None:
        try:
            envelope = Envelope[event_type].parse(delivery.value)  # type: ignore[valid-type]
        except ValueError as error:
            raise PermanentError(str(error)) from error
        async with consent.runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, inbox_name, str(envelope.event_id)):
                return
            await handle(conn, envelope)
        log.info("event_handled", event_type=envelope.event_type, event_id=str(envelope.event_id))

    consumer = DurableConsumer(service=SERVICE, broker=consent.runtime.broker, handler=on_delivery)
    subscribe(consent.runtime.broker, [topic], group_id=group_id, consumer=consumer)
