"""Kafka helpers for tools and tests: send partner reports, read topics from the beginning."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalGenerationError, RebalanceInProgressError, UnknownMemberIdError

from vroeg_contracts import topics
from vroeg_runtime.kafka_auth import aiokafka_options


def bootstrap() -> str:
    return os.environ.get("VROEG_KAFKA_BOOTSTRAP", "127.0.0.1:19092")


def client_options(principal: str | None = None) -> dict[str, Any]:
    """Connection options for an aiokafka client: the platform admin unless a principal is named."""
    return {"bootstrap_servers": bootstrap(),
            **aiokafka_options(principal or os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin"))}


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.value)

    @functools.cached_property
    def envelope(self) -> dict[str, Any] | None:
        """The record as an envelope, decoded once: conditions re-read a whole topic on every poll,
        so decoding each record again made waiting quadratic in the topic's length. Read only."""
        try:
            decoded = json.loads(self.value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict) else None


async def send_reports(reports: Iterable[tuple[str, dict[str, Any] | bytes]]) -> int:
    """Publish (partner_id, report) pairs on each partner's report topic, keyed by report id, each
    as its own partner's Kafka principal (as the partners themselves do)."""
    producers: dict[str, AIOKafkaProducer] = {}
    sent = 0
    try:
        futures = []
        for partner, body in reports:
            if partner not in producers:
                producers[partner] = AIOKafkaProducer(**client_options(partner), acks="all", enable_idempotence=True)
                await producers[partner].start()
            raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            key = body.get("report_id", "").encode() if isinstance(body, dict) else None
            futures.append(await producers[partner].send(topics.partner_reports(partner), raw, key=key))
            sent += 1
        await asyncio.gather(*futures)
    finally:
        for producer in producers.values():
            await producer.stop()
    return sent


async def read_topic(topic: str, *, until: Callable[[list[Record]], bool] | None = None, timeout: float = 60.0,
                     settle: float = 0.0) -> list[Record]:
    """All records of a topic from the beginning, read until `until(records)` holds (or the end is
    reached, when `until` is None). Raises TimeoutError with what it saw if `until` never holds."""
    consumer = AIOKafkaConsumer(**client_options(), enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    records: list[Record] = []
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or await _partitions(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + timeout
        checked = -1  # `until` is a condition on the records: asked again only when more arrived
        while True:
            batch = await consumer.getmany(timeout_ms=300, max_records=5000)
            for tp_records in batch.values():
                records.extend(Record(r.topic, r.partition, r.offset, r.key, r.value or b"",
                                      {k: v.decode(errors="replace") for k, v in (r.headers or ())})
                               for r in tp_records)
            if until is None:
                ends = await consumer.end_offsets(partitions)
                positions = [await consumer.position(tp) for tp in partitions]
                if all(position >= ends[tp] for position, tp in zip(positions, partitions, strict=True)):
                    return records
            elif checked < len(records):
                checked = len(records)
                if until(records):
                    if settle:
                        await asyncio.sleep(settle)
                        until = None  # read what arrived while settling, up to the end
                        continue
                    return records
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: condition not met after {timeout}s; read {len(records)} records")
    finally:
        await consumer.stop()


async def read_until_quiet(topic: str, *, quiet: float = 5.0, timeout: float = 120.0) -> list[Record]:
    """All records of a topic once no new one has arrived for `quiet` seconds: for outputs whose
    count is not known in advance."""
    deadline = time.monotonic() + timeout
    records = await read_topic(topic, timeout=timeout)
    while time.monotonic() < deadline:
        await asyncio.sleep(quiet)
        again = await read_topic(topic, timeout=timeout)
        if len(again) == len(records):
            return again
        records = again
    raise TimeoutError(f"{topic}: still growing after {timeout}s ({len(records)} records)")


async def skip_to_end(groups: dict[str, list[str]]) -> None:
    """Commit each consumer group's offsets at the end of its topics, so services started next read
    only what comes after: tests on a shared platform are not flooded by earlier tests' messages."""
    for group, topic_names in groups.items():
        consumer = AIOKafkaConsumer(**client_options(), group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(t, p) for t in topic_names for p in sorted(await _partitions(consumer, t))]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            try:
                await consumer.commit({tp: offset for tp, offset in ends.items()})
            except (CommitFailedError, UnknownMemberIdError, RebalanceInProgressError, IllegalGenerationError):
                pass  # the group has live members (a service still running): its position is its own
        finally:
            await consumer.stop()


async def reader_at_end(topic: str, **options: Any) -> AIOKafkaConsumer:
    """A started consumer (no group) of every partition of `topic`, positioned at its end now: it
    reads only what is written after this call returns."""
    consumer = AIOKafkaConsumer(**client_options(), group_id=None, enable_auto_commit=False, **options)
    await consumer.start()
    partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)  # resolve the end offsets before anything is sent
    return consumer


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(50):
        await consumer._client.force_metadata_update()  # noqa: SLF001 - a fresh consumer knows no topics yet
        found = consumer.partitions_for_topic(topic)
        if found:
            return found
        await asyncio.sleep(0.1)
    raise LookupError(f"topic {topic} does not exist")


def events(records: list[Record], *types: str) -> list[dict[str, Any]]:
    """Envelopes (as dicts) of the given event types."""
    return [record.envelope for record in records if record.envelope is not None
            and (not types or record.envelope.get("event_type") in types)]
