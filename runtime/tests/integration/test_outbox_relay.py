"""The outbox relay on the real PostgreSQL: it publishes in order, deletes what the broker confirmed
and keeps what it did not (ADR 0006), and two relays never publish a row twice.

Each test works in a schema of its own in intake's database, so no service's relay sees its rows."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from vroeg_runtime import outbox


class RecordingPublisher:
    """Stands in for the broker: records what it was given, or fails like a broker that is away."""

    def __init__(self, *, fail: bool = False, delay: float = 0.0) -> None:
        self.sent: list[tuple[str, bytes | None, bytes, dict[str, str]]] = []
        self.fail = fail
        self.delay = delay

    async def publish_many(self, messages: list[tuple[str, bytes | None, bytes, dict[str, str]]]) -> None:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise ConnectionError("broker unavailable")
        self.sent.extend(messages)


async def _store(pool: asyncpg.Pool, count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add_many(conn, [outbox.OutboxMessage.raw(event_id=i, topic="vroeg.test.v1", key=f"k{n % 3}",
                                                              payload=f"message {n}".encode(),
                                                              headers={"event_id": str(i)})
                                     for n, i in enumerate(ids)])
    return ids


async def test_publishes_in_order_and_deletes_what_the_broker_confirmed(pool):
    ids = await _store(pool, 7)
    publisher = RecordingPublisher()
    relay = outbox.OutboxRelay(pool, publisher, batch_size=5)

    assert await relay.relay_once() == 5
    assert await relay.relay_once() == 2
    assert await relay.relay_once() == 0

    assert [headers["event_id"] for _, _, _, headers in publisher.sent] == [str(i) for i in ids]
    assert [payload for _, _, payload, _ in publisher.sent] == [f"message {n}".encode() for n in range(7)]
    assert publisher.sent[0][1] == b"k0"
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    assert await relay.backlog() == 0


async def test_keeps_what_the_broker_did_not_confirm(pool):
    ids = await _store(pool, 3)
    relay = outbox.OutboxRelay(pool, RecordingPublisher(fail=True))

    with pytest.raises(ConnectionError):
        await relay.relay_once()

    assert await relay.backlog() == 3
    assert [r["event_id"] for r in await pool.fetch("SELECT event_id FROM outbox ORDER BY seq")] == ids
    retry = RecordingPublisher()
    assert await outbox.OutboxRelay(pool, retry).relay_once() == 3
    assert [headers["event_id"] for _, _, _, headers in retry.sent] == [str(i) for i in ids]


async def test_two_relays_publish_each_row_once(pool):
    ids = await _store(pool, 60)
    publishers = [RecordingPublisher(delay=0.05), RecordingPublisher(delay=0.05)]
    relays = [outbox.OutboxRelay(pool, p, batch_size=10) for p in publishers]

    async def drain(relay: outbox.OutboxRelay) -> None:
        while await relay.relay_once():
            pass

    await asyncio.gather(*(drain(r) for r in relays))

    published = [headers["event_id"] for p in publishers for _, _, _, headers in p.sent]
    assert sorted(published) == sorted(str(i) for i in ids)
    assert all(p.sent for p in publishers)  # the batches were shared, not all taken by one relay


class CountingRelay(outbox.OutboxRelay):
    """Counts how often the relay counts its backlog: a read of every live row."""

    counted = 0

    async def backlog(self) -> int:
        self.counted += 1
        return await super().backlog()


async def test_a_backlog_is_counted_once_per_interval_not_once_per_batch(pool):
    ids = await _store(pool, 60)
    publisher = RecordingPublisher()
    relay = CountingRelay(pool, publisher, batch_size=5, idle_wait=0.05, backlog_every=60)

    await relay.start()
    try:
        async with asyncio.timeout(10):
            while len(publisher.sent) < len(ids):
                await asyncio.sleep(0.02)
    finally:
        await relay.stop()

    # Twelve full batches, and the first of them counted what was left.
    assert relay.counted == 1
    assert [headers["event_id"] for _, _, _, headers in publisher.sent] == [str(i) for i in ids]
