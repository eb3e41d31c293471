"""The Kafka way in: one subscriber on every partner's `partner.<id>.reports.v1` topic."""

from __future__ import annotations

import asyncpg

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureRequested
from vroeg_runtime.consuming import Delivery, PermanentError, TransactionalConsumer, record_span, subscribe_batches
from vroeg_runtime.service import ServiceRuntime

from ..bootstrap import Intake
from ..erasure import erase_household
from ..handlers import SERVICE, Sent
from ..incoming import json_report


def register(intake: Intake, runtime: ServiceRuntime) -> None:
    async def on_partner_record(conn: asyncpg.Connection, delivery: Delivery) -> None:
        await intake.take(conn, json_report(delivery.value), sender=_sender(delivery), channel="kafka",
                          source=delivery.message_id)

    async def on_partner_records(conn: asyncpg.Connection, deliveries: list[Delivery]) -> None:
        batch = [Sent(json_report(d.value), _sender(d), d.message_id) for d in deliveries]
        await intake.take_many(conn, batch, channel="kafka", within=lambda i: record_span(deliveries[i]))

    # Records are taken a batch per transaction, with their inbox claims; the offsets are committed
    # after it. The inbox key is the record's position (topic:partition:offset), never a header: a
    # partner's headers are the partner's to choose. A partner report carries personal data in clear,
    # so its dead letter keeps only the pointer in the headers; the bytes stay on the partner topic.
    consumer = TransactionalConsumer(service=SERVICE, broker=runtime.broker, pool=lambda: runtime.db,
                                     inbox_name="partner-reports", handler=on_partner_record,
                                     batch_handler=on_partner_records,
                                     message_id=lambda delivery: delivery.message_id,
                                     protect_dead_letter=lambda _raw: b"")
    subscribe_batches(runtime.broker, [topics.partner_reports(p) for p in intake.partners],
                      group_id="vroeg-intake", consumer=consumer, hot=True)

    async def on_erasure_requested(conn: asyncpg.Connection, delivery: Delivery) -> None:
        try:
            envelope = Envelope[ErasureRequested].parse(delivery.value)
        except ValueError as error:
            raise PermanentError(str(error)) from error
        await erase_household(conn, envelope)

    erasures = TransactionalConsumer(service=SERVICE, broker=runtime.broker, pool=lambda: runtime.db,
                                     inbox_name="erasure-requested", handler=on_erasure_requested)
    subscribe_batches(runtime.broker, [topics.ERASURE_REQUESTED], group_id="vroeg-intake-erasure", consumer=erasures)


def _sender(delivery: Delivery) -> str:
    # The topic name proves the partner: a report claiming another partner id is refused.
    sender = topics.partner_of_reports_topic(delivery.topic)
    assert sender is not None, f"subscribed to a topic that is not a partner report topic: {delivery.topic}"
    return sender
