"""Consent consumes `DataShareRequested` and answers each with a grant or a denial."""

from __future__ import annotations

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareRequested
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, subscribe

from ..bootstrap import Consent
from ..handlers import SERVICE, decide_share

log = structlog.get_logger(__name__)


def register(consent: Consent) -> None:
    async def on_share_requested(delivery: Delivery) -> None:
        try:
            envelope = Envelope[DataShareRequested].parse(delivery.value)
        except ValueError as error:
            raise PermanentError(str(error)) from error
        async with consent.runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "data-share-requested", str(envelope.event_id)):
                return
            decision = await decide_share(conn, envelope)
        log.info("share_decided", event_id=str(envelope.event_id), granted=decision.granted, reason=decision.reason)

    consumer = DurableConsumer(service=SERVICE, broker=consent.runtime.broker, handler=on_share_requested)
    subscribe(consent.runtime.broker, [topics.DATA_SHARE_REQUESTED], group_id="vroeg-consent", consumer=consumer)
