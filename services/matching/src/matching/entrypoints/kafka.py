"""Matching consumes `ArrearsReported` from intake."""

from __future__ import annotations

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ArrearsReported
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, subscribe

from ..bootstrap import Matching
from ..handlers import SERVICE, handle_arrears_reported

log = structlog.get_logger(__name__)


def register(matching: Matching) -> None:
    async def on_arrears_reported(delivery: Delivery) -> None:
        try:
            envelope = Envelope[ArrearsReported].parse(delivery.value)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            raise PermanentError(str(error)) from error
        async with matching.runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "arrears-reported", str(envelope.event_id)):
                return
            outcomes = await handle_arrears_reported(conn, envelope, matching.policies)
        log.info("signal_assessed", event_id=str(envelope.event_id), correlation_id=str(envelope.correlation_id),
                 outcomes=outcomes)

    consumer = DurableConsumer(service=SERVICE, broker=matching.runtime.broker, handler=on_arrears_reported)
    subscribe(matching.runtime.broker, [topics.ARREARS_REPORTED], group_id="vroeg-matching", consumer=consumer)
