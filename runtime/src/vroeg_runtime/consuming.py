"""Durable consumption: handle Kafka messages, retry with backoff, dead-letter what cannot be
handled, and acknowledge (commit the offset) only after the work or the dead letter is durable.

FastStream's default ACK_FIRST would commit before the work is done (at-most-once), so every
subscriber here uses AckPolicy.MANUAL and this module decides when to ack.

Every service consumes in one shape: `consume(runtime, topics, group_id=..., subscription=...)`.
A `Subscription` says how to parse a record, the inbox it is claimed in and the use case that
handles it; the `TransactionalConsumer` parses a batch of records, claims them in the inbox and
hands them to the use case in ONE unit of work (`unit_of_work.UnitOfWork`), then commits the
offsets once per batch. If any record fails, the batch is rolled back and redone one record per
unit of work (`DurableConsumer`), with retries and dead letters, so one poison message never holds
back the others.

A subscription may also give a `handle_batch` that takes the whole batch at once (reads it needs in
one query, writes in one statement per table), which is what makes the pipeline fast. The
one-record `handle` stays the reference: it is the fallback when the batch fails, so the batch
handler may refuse anything unusual by raising and let the records be handled one by one.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pydantic import ValidationError

from aiokafka import TopicPartition
from opentelemetry import trace

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, Event, parse_event

from . import metrics
from .fetch_pacing import BATCHING, PacedFetches
from .offset_commits import OffsetCommits
from .service import ServiceRuntime
from .telemetry import SPAN_ATTRIBUTE_PREFIX, annotate, child_span, header_ids
from .unit_of_work import UnitOfWork, pooled_unit_of_work

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    first_backoff: float = 0.2
    max_backoff: float = 10.0

    def backoff(self, attempt: int) -> float:
        # Exponential with jitter, so a failing dependency is not hammered in lock-step.
        base = min(self.first_backoff * 2 ** (attempt - 1), self.max_backoff)
        return base * random.uniform(0.8, 1.2)


class PermanentError(Exception):
    """The message can never be handled (retrying cannot help): dead-letter it at once."""


@dataclass(frozen=True)
class Delivery:
    """What a handler gets: the raw bytes and where they came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def message_id(self) -> str:
        """A stable id for this record, the same on every redelivery."""
        return f"{self.topic}:{self.partition}:{self.offset}"


def describe_error(error: BaseException) -> str:
    """An error description that never echoes the input (it may hold personal data)."""
    if isinstance(error, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors(include_input=False)]
        return f"ValidationError: {'; '.join(parts)}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means a dependency is down (retry without limit), not that the message is bad."""
    return isinstance(error, (OSError, ConnectionError, asyncpg.PostgresConnectionError, asyncpg.ConnectionDoesNotExistError,
                              asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
                              KafkaConnectionError, KafkaTimeoutError))


Handler = Callable[[Delivery], Awaitable[None]]
Protect = Callable[[bytes], bytes]


class DurableConsumer:
    def __init__(self, *, service: str, broker: KafkaBroker, handler: Handler,
                 retry: RetryPolicy = RetryPolicy(), protect_dead_letter: Protect | None = None) -> None:
        self.service = service
        self._service = service
        self._broker = broker
        self._handler = handler
        self._retry = retry
        self._protect = protect_dead_letter or (lambda raw: raw)
        self.dead_lettered = 0

    async def process(self, delivery: Delivery) -> None:
        """Handle one record; return only when it is handled or dead-lettered (then ack is safe)."""
        started = time.perf_counter()
        ids = {"message_id": delivery.message_id, "event_id": delivery.headers.get("event_id"),
               "event_type": delivery.headers.get("event_type"),
               "correlation_id": delivery.headers.get("correlation_id")}
        annotate(**ids)
        with structlog.contextvars.bound_contextvars(**{k: v for k, v in ids.items() if v}):
            outcome = await self._attempt(delivery)
        metrics.HANDLED.labels(self._service, delivery.topic, outcome).inc()
        metrics.PROCESSING_SECONDS.labels(self._service, delivery.topic).observe(time.perf_counter() - started)

    async def _attempt(self, delivery: Delivery) -> str:
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._handler(delivery)
                return "handled"
            except PermanentError as error:
                await self._dead_letter(delivery, error, attempt)
                return "dead_lettered"
            except Exception as error:
                # The database or broker being away says nothing about the message: wait for them,
                # however long it takes, rather than dead-letter good messages.
                unavailable = is_unavailable(error)
                if attempt >= self._retry.max_attempts and not unavailable:
                    await self._dead_letter(delivery, error, attempt)
                    return "dead_lettered"
                delay = self._retry.backoff(min(attempt, self._retry.max_attempts))
                log.warning("handler_failed_retrying", topic=delivery.topic, offset=delivery.offset,
                            attempt=attempt, retry_in_s=round(delay, 3), error=describe_error(error))
                await asyncio.sleep(delay)

    async def _dead_letter(self, delivery: Delivery, error: BaseException, attempts: int) -> None:
        headers = {
            **{f"original.{k}": v for k, v in delivery.headers.items() if k in {"event_id", "event_type", "correlation_id"}},
            "original.topic": delivery.topic,
            "original.partition": str(delivery.partition),
            "original.offset": str(delivery.offset),
            "error": describe_error(error),
            "attempts": str(attempts),
            "service": self._service,
        }
        await self._broker.publish(self._protect(delivery.value), topic=topics.dead_letters(self._service),
                                   key=delivery.key, headers=headers)
        self.dead_lettered += 1
        log.error("message_dead_lettered", topic=delivery.topic, partition=delivery.partition,
                  offset=delivery.offset, error=headers["error"], attempts=attempts)


_tracer = trace.get_tracer(__name__)
# A record span names the record's own id beside the ids its headers carry.
_MESSAGE_ID = SPAN_ATTRIBUTE_PREFIX + "message_id"
T = TypeVar("T")
Within = Callable[[int], AbstractContextManager[object]]


def no_spans(_index: int) -> AbstractContextManager[object]:
    """A `Within` that opens no span (a batch handler called outside a consumer, by a test say)."""
    return contextlib.nullcontext()


def position_of(delivery: Delivery, _item: object) -> str:
    """An inbox key from the record's position (topic:partition:offset): for records whose content a
    partner chooses, where an id in the record proves nothing."""
    return delivery.message_id


def event_id_of(_delivery: Delivery, envelope: Envelope[Any]) -> str:
    """The inbox key of an envelope: its event id, the same however often it is published."""
    return str(envelope.event_id)


@dataclass(frozen=True)
class Subscription(Generic[T]):
    """What one subscription does with its records; `TransactionalConsumer` does the rest.

    - `parse` turns a record into what the handler takes; a `ValueError` (pydantic's validation
      errors are ValueErrors) or `PermanentError` dead-letters the record at once.
    - `handle(uow, item)` is the use case for one record, in the unit of work of its batch.
    - `handle_batch(uow, items, within)`, when given, takes the whole batch at once; `within(i)` is
      the trace span of item i. It may refuse anything unusual by raising: the batch is then rolled
      back and every record handled alone with `handle`.
    - `permanent` lists the errors of the use case that no retry can mend (an unknown municipality,
      say): they dead-letter the record at once instead of after the retries.
    - `wants(delivery)`, when given, says from the record's headers alone whether the use case
      wants it at all; a record it does not want is acknowledged with the batch, neither parsed nor
      claimed (matching reads outreach's case events for the closed cases only).
    """

    inbox: str
    parse: Callable[[Delivery], T]
    handle: Callable[[UnitOfWork, T], Awaitable[object]]
    handle_batch: Callable[[UnitOfWork, list[T], Within], Awaitable[object]] | None = None
    message_id: Callable[[Delivery, T], str] = event_id_of  # type: ignore[assignment]
    permanent: tuple[type[BaseException], ...] = ()
    wants: Callable[[Delivery], bool] | None = None


def envelopes_of(*event_types: type[Event]) -> Callable[[Delivery], Envelope[Any]]:
    """A parser of envelopes that carry one of `event_types`; any other event is a permanent error."""
    if len(event_types) == 1:
        # Parametrised once: pydantic's lookup of `Envelope[X]` costs more than parsing a small envelope.
        parse_one = Envelope[event_types[0]].parse  # type: ignore[valid-type]
        return lambda delivery: parse_one(delivery.value)

    def parse(delivery: Delivery) -> Envelope[Any]:
        envelope = parse_event(delivery.value)
        if not isinstance(envelope.payload, event_types):
            raise PermanentError(f"event_type: {envelope.event_type} is not expected on {delivery.topic}")
        return envelope

    return parse


class TransactionalConsumer(Generic[T]):
    """Handles batches of records in one unit of work each; see the module docstring."""

    def __init__(self, *, service: str, broker: KafkaBroker, pool: Callable[[], asyncpg.Pool],
                 subscription: Subscription[T], retry: RetryPolicy = RetryPolicy(),
                 protect_dead_letter: Protect | None = None) -> None:
        self.service = service
        self._pool = pool
        self._subscription = subscription
        self._single = DurableConsumer(service=service, broker=broker, handler=self._handle_alone, retry=retry,
                                       protect_dead_letter=protect_dead_letter)

    def _parse(self, delivery: Delivery) -> T:
        try:
            return self._subscription.parse(delivery)
        except PermanentError:
            raise
        except ValueError as error:
            raise PermanentError(describe_error(error)) from error

    async def process_batch(self, deliveries: list[Delivery]) -> None:
        started = time.perf_counter()
        sub = self._subscription
        wanted = deliveries if sub.wants is None else [d for d in deliveries if sub.wants(d)]
        if not wanted:
            return
        try:
            parsed = [(delivery, self._parse(delivery)) for delivery in wanted]
            async with pooled_unit_of_work(self._pool()) as uow:
                ids = [sub.message_id(delivery, item) for delivery, item in parsed]
                fresh = await uow.claim_many(sub.inbox, ids)
                todo = []
                for message_id, pair in zip(ids, parsed):
                    if message_id in fresh:
                        fresh.discard(message_id)  # the same event twice in one batch is handled once
                        todo.append(pair)
                if sub.handle_batch is not None:
                    await sub.handle_batch(uow, [item for _, item in todo], lambda i: record_span(todo[i][0]))
                else:
                    for delivery, item in todo:
                        with record_span(delivery):
                            await sub.handle(uow, item)
        except Exception as error:
            log.warning("batch_failed_handling_one_by_one", size=len(wanted), error=describe_error(error))
            for delivery in wanted:
                await self._single.process(delivery)
            return
        elapsed = time.perf_counter() - started
        # Labels looked up once per topic in the batch, not per record (three quarters of the cost).
        for topic, count in collections.Counter(delivery.topic for delivery in deliveries).items():
            metrics.HANDLED.labels(self.service, topic, "handled").inc(count)
            per_record = metrics.PROCESSING_SECONDS.labels(self.service, topic)
            for _ in range(count):
                per_record.observe(elapsed)

    async def _handle_alone(self, delivery: Delivery) -> None:
        sub = self._subscription
        item = self._parse(delivery)
        try:
            async with pooled_unit_of_work(self._pool()) as uow:
                if await uow.claim(sub.inbox, sub.message_id(delivery, item)):
                    with record_span(delivery):
                        await sub.handle(uow, item)
        except sub.permanent as error:
            # The use case's own errors name a field and a reason, never the input: keep their words.
            raise PermanentError(str(error)) from error


def record_span(delivery: Delivery) -> child_span:
    """The span of one record's handling. A batch has one consume span; each record gets a span of
    its own as the child of its producer's context, so every report keeps one connected trace (and
    an outbox row written inside it carries that trace on)."""
    return child_span(_tracer, f"{delivery.topic} handle", delivery.headers, kind=trace.SpanKind.CONSUMER,
                      attributes={**header_ids(delivery.headers), _MESSAGE_ID: delivery.message_id}, current=True)


def _delivery(record: Any) -> Delivery:
    return Delivery(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value or b"",
        headers={k: (v.decode(errors="replace") if isinstance(v, bytes) else str(v)) for k, v in (record.headers or ())},
    )


async def _undecoded(msg: Any) -> None:
    """A FastStream decoder that decodes nothing: the handlers here read the raw records. The default
    parses every record's body as JSON into a message object of its own, which was a twentieth of a
    busy service's CPU, spent on a result nobody read."""
    return None


# What a hot subscription asks of the broker under load (see `subscribe_batches`; the bench's floor
# uses it too).
HOT_FETCH = {"fetch_min_bytes": BATCHING.min_bytes, "fetch_max_wait_ms": BATCHING.max_wait_ms}


def subscribe_batches(broker: KafkaBroker, topic_names: Iterable[str], *, group_id: str,
                      consumer: TransactionalConsumer, max_records: int = 500, hot: bool = False,
                      pattern: str | None = None, stopping: asyncio.Event | None = None,
                      commits: OffsetCommits | None = None) -> Any:
    """Register `consumer` on the topics: consumer group from the earliest offset, batches, manual ack.

    With a `pattern` (FastStream's: `partner.{partner_id}.reports.v1`) instead of topic names, every
    topic it matches is taken, also one made while the service runs: the consumer finds it at its
    next metadata refresh (the broker's `metadata_max_age_ms`).

    A `hot` subscription (the report stream) paces its fetches by the rate of its records
    (`fetch_pacing`): under load it asks the broker to answer a fetch once it holds 64 KiB or 20 ms
    have passed, a few fetches a second instead of one per handful of records, which cost the broker
    more CPU than anything else on a small machine; idle or at a low rate it asks for the first
    record, as the quiet subscriptions always do, which halves what the idle consumer and the
    broker cost.

    A batch's offsets are committed once its work is durable, in the background (`OffsetCommits`,
    ADR 0020); once `stopping` is set, each batch waits for its commit, since the consumer is
    closed right after the last one.
    """
    pacing = PacedFetches() if hot else None
    commits = commits or OffsetCommits(consumer.service)

    @broker.subscriber(*topic_names, pattern=pattern, group_id=group_id, auto_offset_reset="earliest",
                       ack_policy=AckPolicy.MANUAL,
                       batch=True, max_records=max_records, batch_timeout_ms=20, decoder=_undecoded)
    async def on_batch(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        try:
            await consumer.process_batch([_delivery(r) for r in records])
        except BaseException:
            await msg.nack()  # rewind every partition of the batch: nothing is committed past it
            raise
        kafka_consumer = getattr(msg, "consumer", None)
        if stopping is not None and stopping.is_set():
            await commits.done_and_committed(kafka_consumer, records)
        else:
            commits.done(kafka_consumer, records)
        last = records[-1]
        _record_lag(msg, consumer.service, last.topic, last.partition, last.offset)
        if pacing is not None:
            pacing.after_batch(kafka_consumer, len(records))

    return on_batch


def consume(runtime: ServiceRuntime, topic_names: Iterable[str], *, group_id: str, subscription: Subscription[Any],
            hot: bool = False, protect_dead_letter: Protect | None = None,
            pattern: str | None = None) -> TransactionalConsumer[Any]:
    """Subscribe a use case to topics, or to the topics a `pattern` matches (see `subscribe_batches`),
    the one way every service consumes (see the module docstring).

    `protect_dead_letter` rewrites the bytes a dead letter keeps (intake keeps none of a partner's
    report: the bytes stay on the partner's topic, the dead letter points at them)."""
    consumer: TransactionalConsumer[Any] = TransactionalConsumer(
        service=runtime.name, broker=runtime.broker, pool=lambda: runtime.db, subscription=subscription,
        protect_dead_letter=protect_dead_letter)
    commits = OffsetCommits(runtime.name)
    subscribe_batches(runtime.broker, topic_names, group_id=group_id, consumer=consumer, hot=hot, pattern=pattern,
                      stopping=runtime.stopping, commits=commits)
    runtime.before_broker_stops(commits.flush)
    return consumer


def _record_lag(msg: KafkaMessage, service: str, topic: str, partition: int, offset: int) -> None:
    highwater = getattr(getattr(msg, "consumer", None), "highwater", None)
    if highwater is None:
        return
    high = highwater(TopicPartition(topic, partition))
    if high is not None:
        metrics.CONSUMER_LAG.labels(service, topic, str(partition)).set(max(high - offset - 1, 0))
