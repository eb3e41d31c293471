"""Consent's subscribers: share requests to decide, erasure requests to carry out on its own store,
and every service's erasure answers to track. Each declares how its records are parsed, the inbox that
claims them (by event id) and the handler that takes them; `consume` does the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, Event
from vroeg_contracts.events import DataShareRequested, ErasureCompleted, ErasureRequested
from vroeg_runtime.consuming import Subscription, consume, envelopes_of
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import UnitOfWork

from ..handlers.dependencies import ConsentDependencies
from ..handlers.erasure import erase_own_data, record_erasure_receipt
from ..handlers.sharing import decide_share

log = structlog.get_logger(__name__)

Handle = Callable[[UnitOfWork, Any], Awaitable[object]]


def register(runtime: ServiceRuntime, deps: ConsentDependencies) -> None:
    """Subscribe consent's handlers. The group ids are in deploy/security.toml's ACLs and the inbox names
    key rows already stored: neither may change. (The handlers need none of `deps` today.)"""
    _subscribe(runtime, topics.DATA_SHARE_REQUESTED, DataShareRequested, decide_share,
               group_id="vroeg-consent", inbox="data-share-requested")
    _subscribe(runtime, topics.ERASURE_REQUESTED, ErasureRequested, erase_own_data,
               group_id="vroeg-consent-erasure", inbox="erasure-requested")
    _subscribe(runtime, topics.ERASURE_COMPLETED, ErasureCompleted, record_erasure_receipt,
               group_id="vroeg-consent-erasure-receipts", inbox="erasure-completed")


def _subscribe(runtime: ServiceRuntime, topic: str, event_type: type[Event], handle: Handle, *, group_id: str,
               inbox: str) -> None:
    """One event type on one topic: an envelope of any other type, or one that does not parse, is
    dead-lettered at once."""

    async def handle_logged(uow: UnitOfWork, envelope: Envelope[Any]) -> None:
        await handle(uow, envelope)
        log.info("event_handled", event_type=envelope.event_type, event_id=str(envelope.event_id))

    consume(runtime, [topic], group_id=group_id,
            subscription=Subscription(inbox=inbox, parse=envelopes_of(event_type), handle=handle_logged))
