"""The durable consumer: retries with backoff, dead letters with the error (never the input), and
waits out an unavailable dependency instead of dead-lettering good messages."""

import pytest
from pydantic import BaseModel

from vroeg_runtime.consuming import Delivery, DurableConsumer, PermanentError, RetryPolicy, describe_error

FAST = RetryPolicy(max_attempts=3, first_backoff=0.001, max_backoff=0.002)


class FakeBroker:
    def __init__(self) -> None:
        self.published: list[dict] = []

    async def publish(self, payload, *, topic, key, headers):
        self.published.append({"payload": payload, "topic": topic, "key": key, "headers": headers})


def delivery(value: bytes = b'{"x": 1}') -> Delivery:
    return Delivery("vroeg.intake.arrears-reported.v1", 2, 41, b"household", value,
                    {"event_id": "e-1", "event_type": "ArrearsReported"})


class Flaky:
    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0

    async def __call__(self, _: Delivery) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error


def consumer(handler, broker, **options) -> DurableConsumer:
    return DurableConsumer(service="matching", broker=broker, handler=handler, retry=FAST, **options)


async def test_a_passing_handler_is_not_dead_lettered():
    broker, handler = FakeBroker(), Flaky(ValueError("x"), failures=0)
    await consumer(handler, broker).process(delivery())
    assert handler.calls == 1 and broker.published == []


async def test_a_failing_message_is_retried_then_dead_lettered_with_its_origin():
    broker, handler = FakeBroker(), Flaky(ValueError("boom"), failures=99)
    await consumer(handler, broker).process(delivery())
    assert handler.calls == FAST.max_attempts
    dead, = broker.published
    assert dead["topic"] == "vroeg.matching.dead-letters.v1" and dead["payload"] == b'{"x": 1}'
    assert dead["headers"]["original.topic"] == "vroeg.intake.arrears-reported.v1"
    assert (dead["headers"]["original.partition"], dead["headers"]["original.offset"]) == ("2", "41")
    assert dead["headers"]["error"] == "ValueError: boom" and dead["headers"]["attempts"] == "3"


async def test_a_permanent_error_is_dead_lettered_at_once():
    broker, handler = FakeBroker(), Flaky(PermanentError("cannot parse"), failures=99)
    await consumer(handler, broker).process(delivery())
    assert handler.calls == 1 and len(broker.published) == 1


async def test_an_unavailable_database_is_waited_out_not_dead_lettered():
    broker, handler = FakeBroker(), Flaky(ConnectionRefusedError("db down"), failures=FAST.max_attempts + 4)
    await consumer(handler, broker).process(delivery())
    assert handler.calls == FAST.max_attempts + 5 and broker.published == []


async def test_a_dead_letter_can_hide_the_raw_bytes():
    broker, handler = FakeBroker(), Flaky(ValueError("boom"), failures=99)
    await consumer(handler, broker, protect_dead_letter=lambda _raw: b"").process(delivery(b'{"surname": "Jansen"}'))
    assert broker.published[0]["payload"] == b""


def test_error_descriptions_never_echo_the_input():
    class Report(BaseModel):
        postcode: int

    with pytest.raises(Exception) as caught:
        Report.model_validate({"postcode": "1234 AB Jansen"})
    text = describe_error(caught.value)
    assert "postcode" in text and "Jansen" not in text


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(first_backoff=0.2, max_backoff=1.0)
    assert policy.backoff(1) <= 0.24 and 0.16 <= policy.backoff(2) / 2 <= 0.24
    assert policy.backoff(10) <= 1.2
