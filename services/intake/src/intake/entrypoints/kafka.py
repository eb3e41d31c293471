"""The Kafka way in: one subscriber on every partner's `partner.<id>.reports.v1` topic."""

from __future__ import annotations

from vroeg_contracts import topics
from vroeg_runtime import inbox
from vroeg_runtime.consuming import Delivery, DurableConsumer, subscribe

from ..bootstrap import Intake
from ..domain.validation import decode_json
from ..handlers import SERVICE, take_report


def register(intake: Intake) -> None:
    async def on_partner_record(delivery: Delivery) -> None:
        sender = topics.partner_of_reports_topic(delivery.topic)
        assert sender is not None, f"subscribed to a topic that is not a partner report topic: {delivery.topic}"
        data, decode_errors = decode_json(delivery.value)
        async with intake.runtime.db.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, "partner-reports", delivery.message_id):
                return  # a redelivery: the answer was given and stored the first time
            await take_report(conn, raw=delivery.value, data=data, decode_errors=decode_errors, sender=sender,
                              channel="kafka", source=delivery.message_id, context=intake.validation_context(),
                              privacy=intake.privacy)

    # A partner report carries personal data in clear, so its dead letter keeps only the pointer in
    # the headers (topic, partition, offset); the bytes stay on the partner topic for replay.
    consumer = DurableConsumer(service=SERVICE, broker=intake.runtime.broker, handler=on_partner_record,
                               protect_dead_letter=lambda _raw: b"")
    subscribe(intake.runtime.broker, [topics.partner_reports(p) for p in intake.partners],
              group_id="vroeg-intake", consumer=consumer)
