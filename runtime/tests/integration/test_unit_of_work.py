"""The unit of work and the one consumer shape on the real PostgreSQL (ADR 0009): state and emitted
events commit together, in emission order, or not at all; a batch is claimed in the inbox and
handled once however often it is delivered; a record that cannot be parsed, or that its use case
calls hopeless, is dead-lettered at once while the others of its batch go on."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureRequested
from vroeg_runtime.consuming import Delivery, RetryPolicy, Subscription, TransactionalConsumer, envelopes_of
from vroeg_runtime.metrics import REGISTRY
from vroeg_runtime.unit_of_work import UnitOfWork, pooled_unit_of_work


class FakeBroker:
    def __init__(self) -> None:
        self.dead_letters: list[dict] = []

    async def publish(self, payload, *, topic, key, headers):
        self.dead_letters.append({"payload": payload, "topic": topic, "headers": headers})


class Hopeless(Exception):
    """A use case's error that no retry can mend."""


def erasure(household: str) -> Envelope[ErasureRequested]:
    return Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                         producer="consent", municipality_code="0437", household_key=household,
                         correlation_id=uuid.uuid4())


def delivery(envelope_or_bytes, offset: int) -> Delivery:
    value = envelope_or_bytes if isinstance(envelope_or_bytes, bytes) else envelope_or_bytes.to_bytes()
    return Delivery("vroeg.consent.erasure-requested.v1", 0, offset, b"k", value, {})


@pytest.fixture
async def handled(pool) -> asyncpg.Pool:
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE handled (household_key text)")
    return pool


async def outbox_rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT event_id, headers FROM outbox ORDER BY seq")


async def test_state_and_emitted_events_commit_together_in_emission_order(handled):
    first, second = erasure("hh-1"), erasure("hh-2")
    async with pooled_unit_of_work(handled) as uow:
        await uow.conn.execute("INSERT INTO handled VALUES ('hh-1')")
        uow.emit(first)
        uow.emit(second)
        assert await handled.fetchval("SELECT count(*) FROM outbox") == 0  # nothing before the commit
    assert [r["event_id"] for r in await outbox_rows(handled)] == [first.event_id, second.event_id]
    assert json.loads((await outbox_rows(handled))[0]["headers"])["event_type"] == "ErasureRequested"
    assert await handled.fetchval("SELECT count(*) FROM handled") == 1


async def test_a_unit_that_fails_writes_neither_state_nor_events(handled):
    with pytest.raises(RuntimeError):
        async with pooled_unit_of_work(handled) as uow:
            await uow.conn.execute("INSERT INTO handled VALUES ('hh-1')")
            uow.emit(erasure("hh-1"))
            raise RuntimeError("the use case failed half way")
    assert await handled.fetchval("SELECT count(*) FROM handled") == 0
    assert await outbox_rows(handled) == []


async def test_a_batch_is_handled_once_and_a_bad_record_is_dead_lettered_alone(handled):
    async def handle(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> None:
        if envelope.household_key == "hh-hopeless":
            raise Hopeless("household_key: cannot be erased here")
        await uow.conn.execute("INSERT INTO handled VALUES ($1)", envelope.household_key)
        uow.emit(envelope.caused(envelope.payload, producer="test"))

    broker = FakeBroker()
    consumer = TransactionalConsumer(
        service="matching", broker=broker, pool=lambda: handled, retry=RetryPolicy(max_attempts=3, first_backoff=0.001),
        subscription=Subscription(inbox="erasure-requested", parse=envelopes_of(ErasureRequested), handle=handle,
                                  permanent=(Hopeless,)))
    good = [erasure("hh-a"), erasure("hh-b")]
    batch = [delivery(good[0], 1), delivery(b"not an envelope", 2), delivery(erasure("hh-hopeless"), 3),
             delivery(good[1], 4)]
    await consumer.process_batch(batch)
    await consumer.process_batch(batch)  # redelivered: the inbox makes it a no-op

    assert sorted(r["household_key"] for r in await handled.fetch("SELECT * FROM handled")) == ["hh-a", "hh-b"]
    assert len(await outbox_rows(handled)) == 2
    dead = broker.dead_letters
    assert [d["headers"]["original.offset"] for d in dead] == ["2", "3", "2", "3"]  # twice: each delivery
    assert dead[1]["headers"]["error"] == "PermanentError: household_key: cannot be erased here"
    assert dead[1]["headers"]["attempts"] == "1"  # permanent: not retried
    assert dead[0]["headers"]["error"].startswith("PermanentError:") and dead[0]["payload"] == b"not an envelope"


async def test_records_a_subscription_does_not_want_are_neither_parsed_nor_claimed(handled):
    async def handle(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> None:
        await uow.conn.execute("INSERT INTO handled VALUES ($1)", envelope.household_key)

    consumer = TransactionalConsumer(
        service="matching", broker=FakeBroker(), pool=lambda: handled,
        subscription=Subscription(inbox="wanted-only", parse=envelopes_of(ErasureRequested), handle=handle,
                                  wants=lambda d: d.headers.get("event_type") != "LetterSent"))
    wanted, unwanted = erasure("hh-wanted"), erasure("hh-unwanted")
    skipped = Delivery("t", 0, 2, b"k", unwanted.to_bytes(), {"event_type": "LetterSent"})
    garbage = Delivery("t", 0, 3, b"k", b"not even json", {"event_type": "LetterSent"})
    await consumer.process_batch([delivery(wanted, 1), skipped, garbage])
    await consumer.process_batch([skipped])  # a batch of nothing wanted opens no unit of work
    assert [r["household_key"] for r in await handled.fetch("SELECT * FROM handled")] == ["hh-wanted"]
    assert await handled.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'wanted-only'") == 1


async def test_every_record_of_a_handled_batch_is_counted_by_its_topic(handled):
    async def handle(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> None:
        await uow.conn.execute("INSERT INTO handled VALUES ($1)", envelope.household_key)

    def counted(topic: str) -> tuple[float, float]:
        labels = {"service": "metrics-test", "topic": topic}
        return (REGISTRY.get_sample_value("vroeg_messages_handled_total", {**labels, "outcome": "handled"}) or 0,
                REGISTRY.get_sample_value("vroeg_message_processing_seconds_count", labels) or 0)

    consumer = TransactionalConsumer(
        service="metrics-test", broker=FakeBroker(), pool=lambda: handled,
        subscription=Subscription(inbox="metrics-test", parse=envelopes_of(ErasureRequested), handle=handle))
    other = "vroeg.other.erasure-requested.v1"
    batch = [delivery(erasure(f"hh-{n}"), n) for n in range(3)]
    batch.append(Delivery(other, 0, 9, b"k", erasure("hh-other").to_bytes(), {}))
    await consumer.process_batch(batch)
    assert counted("vroeg.consent.erasure-requested.v1") == (3, 3)
    assert counted(other) == (1, 1)
