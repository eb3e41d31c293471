"""A dead letter goes back to where it came from once its cause is fixed, and is then handled."""

import uuid
from datetime import timedelta

from aiokafka import AIOKafkaProducer

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_report import Category, ReportStatus, today_in_amsterdam
from vroeg_contracts.privacy import ContactDetails, new_keypair, seal
from vroeg_devtools import bus, replay


async def test_a_replayed_dead_letter_is_handled(stack):
    stack.start(("matching",))
    _, public = new_keypair()
    event = ArrearsReported(
        signal_id=uuid.uuid4(), partner_id="eigen-haard", report_id=f"replay-{uuid.uuid4().hex[:8]}",
        category=Category.RENT, status=ReportStatus.OPEN, amount=None, signal_date=today_in_amsterdam(),
        arrears_since=today_in_amsterdam() - timedelta(days=60), crisis=False, warm_handover=False, person_key=None,
        contact=seal(ContactDetails(surname="x"), public, "dev-1"))
    household = uuid.uuid4().hex
    envelope = Envelope.wrap(event, producer="intake", municipality_code="0437", household_key=household,
                             correlation_id=uuid.uuid4())
    # As if matching had dead-lettered it while its cause (say, a missing policy) was not yet fixed.
    producer = AIOKafkaProducer(**bus.client_options(), acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topics.dead_letters("matching"), envelope.to_bytes(), key=household.encode(), headers=[
            ("original.topic", topics.ARREARS_REPORTED.encode()), ("original.partition", b"0"),
            ("original.offset", b"0"), ("original.event_id", str(envelope.event_id).encode()),
            ("original.event_type", b"ArrearsReported"), ("error", b"PermanentError: municipality_code: no policy")])
    finally:
        await producer.stop()

    replayed = await replay.replay("matching")
    assert any(r.headers.get("original.event_id") == str(envelope.event_id) for r in replayed)
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: any(
        e["household_key"] == household for e in bus.events(rs, "HouseholdAtRisk")))
    opened = [e for e in bus.events(decisions, "HouseholdAtRisk") if e["household_key"] == household]
    assert len(opened) == 1 and opened[0]["causation_id"] == str(envelope.event_id)
