"""Offsets committed beside the handling (ADR 0020), on the real broker: a subscription's offsets
reach the group without a batch waiting for them, never pass a batch still being handled, and a
stopping service commits its last batch before the consumer closes."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker

from vroeg_devtools import bus
from vroeg_runtime.consuming import Delivery, subscribe_batches
from vroeg_runtime.kafka_auth import faststream_security

ADMIN = os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin")


@pytest.fixture
async def admin(platform) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(**bus.client_options(), client_id="vroeg-test-offsets", request_timeout_ms=30_000)
    await client.start()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def topic(admin) -> AsyncIterator[str]:
    name = f"vroeg.test.offsets-{uuid.uuid4().hex[:8]}"
    await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    try:
        yield name
    finally:
        await admin.delete_topics([name])


class HeldHandling:
    """Stands in for a TransactionalConsumer: records what it handled, and can hold a batch."""

    service = "offsets-test"

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.release = asyncio.Event()
        self.release.set()
        self.holding = asyncio.Event()

    async def process_batch(self, deliveries: list[Delivery]) -> None:
        if not self.release.is_set():
            self.holding.set()
            await self.release.wait()
        self.offsets += [d.offset for d in deliveries]


async def produce(topic: str, count: int) -> None:
    producer = AIOKafkaProducer(**bus.client_options(), acks="all")
    await producer.start()
    try:
        await asyncio.gather(*[await producer.send(topic, f"record {n}".encode()) for n in range(count)])
    finally:
        await producer.stop()


async def committed(admin: AIOKafkaAdminClient, group: str, topic: str) -> int | None:
    held = (await admin.list_consumer_group_offsets(group)).get(TopicPartition(topic, 0))
    return None if held is None else held.offset


async def eventually(condition, *, timeout: float = 20.0, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached after {timeout}s")
        await asyncio.sleep(0.1)


async def test_offsets_follow_the_work_done_never_the_work_in_hand_and_a_stop_commits_the_last_batch(admin, topic):
    group, handling, stopping = f"offsets-test-{uuid.uuid4().hex[:8]}", HeldHandling(), asyncio.Event()
    broker = KafkaBroker(bus.bootstrap(), security=faststream_security(ADMIN), graceful_timeout=20.0)
    subscribe_batches(broker, [topic], group_id=group, consumer=handling, stopping=stopping)  # type: ignore[arg-type]
    read = lambda: committed(admin, group, topic)  # noqa: E731
    await broker.start()
    try:
        await produce(topic, 20)
        # Committed while the subscription runs on, without a stop or another batch to push it.
        await eventually(lambda: _is(read, 20), what="offset 20 committed")
        assert handling.offsets == list(range(20))

        handling.release.clear()
        await produce(topic, 5)
        await asyncio.wait_for(handling.holding.wait(), timeout=20)
        await asyncio.sleep(1.0)  # a background commit would have gone out by now
        assert await read() == 20, "an offset was committed past a batch still being handled"

        stopping.set()
        handling.release.set()
    finally:
        await broker.stop()  # waits for the batch in hand, which then commits before it returns
    assert handling.offsets == list(range(25))
    assert await read() == 25


async def _is(read, expected: int) -> bool:
    return await read() == expected
