"""The relay's producer: once aiokafka's idempotent producer has ended (OutOfOrderSequenceNumber
after a broker restart lost its sequence numbers), the next attempt publishes with a new one."""

import asyncio

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber

from vroeg_runtime.service import KafkaPublisher


class FakeProducer:
    def __init__(self, fails: bool) -> None:
        self.fails, self.sent, self.started, self.stopped = fails, [], False, False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def send(self, topic, payload, key=None, headers=None) -> asyncio.Future:
        done = asyncio.get_running_loop().create_future()
        if self.fails:
            done.set_exception(OutOfOrderSequenceNumber())
        else:
            self.sent.append((topic, payload))
            done.set_result(None)
        return done


async def test_an_ended_producer_is_replaced_and_the_batch_goes_out_with_the_new_one(monkeypatch):
    made = iter([FakeProducer(fails=True), FakeProducer(fails=False)])
    monkeypatch.setattr(KafkaPublisher, "_new_producer", lambda self: next(made))
    publisher = KafkaPublisher("127.0.0.1:1", "intake")
    broken = publisher._producer
    await publisher.start()
    batch = [("vroeg.intake.arrears-reported.v1", b"k", b"payload", {"event_type": "ArrearsReported"})]
    with pytest.raises(OutOfOrderSequenceNumber):
        await publisher.publish_many(batch)
    await publisher.publish_many(batch)  # the relay's retry
    assert broken.stopped and publisher._producer is not broken
    assert publisher._producer.started and publisher._producer.sent == [("vroeg.intake.arrears-reported.v1", b"payload")]
