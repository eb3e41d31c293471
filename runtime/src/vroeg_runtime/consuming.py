"""Durable consumption: handle Kafka messages, retry with backoff, dead-letter what cannot be
handled, and acknowledge (commit the offset) only after the work or the dead letter is durable.

FastStream's default ACK_FIRST would commit before the work is done (at-most-once), so every
subscriber here uses AckPolicy.MANUAL and this module decides when to ack.

Two shapes:
- `DurableConsumer` + `subscribe`: one record at a time; the handler manages its own transaction.
- `TransactionalConsumer` + `subscribe_batches`: a batch of records in ONE database transaction,
  with the inbox claims, and one offset commit per batch. The handler gets the connection. If any
  record fails, the batch is rolled back and redone one record per transaction, with retries and
  dead letters, so one poison message never holds back the others.

  A service may also give a `batch_handler` that takes the whole batch at once (reads it needs in
  one query, writes in one statement per table), which is what makes the pipeline fast. The
  one-record `handler` stays the reference: it is the fallback when the batch fails, so the batch
  handler may refuse anything unusual by raising and let the records be handled one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pydantic import ValidationError

from vroeg_contracts import topics

from opentelemetry import trace

from . import inbox, metrics
from .telemetry import annotate, continued

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


TxHandler = Callable[[asyncpg.Connection, Delivery], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, list[Delivery]], Awaitable[None]]
_tracer = trace.get_tracer(__name__)


def event_or_record_id(delivery: Delivery) -> str:
    """The inbox key: the event id our envelopes carry in headers, else the record's position."""
    return delivery.headers.get("event_id") or delivery.message_id


class TransactionalConsumer:
    """Handles batches of records in one transaction each; see the module docstring."""

    def __init__(self, *, service: str, broker: KafkaBroker, pool: Callable[[], asyncpg.Pool], inbox_name: str,
                 handler: TxHandler, batch_handler: BatchHandler | None = None,
                 message_id: Callable[[Delivery], str] = event_or_record_id,
                 retry: RetryPolicy = RetryPolicy(), protect_dead_letter: Protect | None = None) -> None:
        self.service = service
        self._pool = pool
        self._inbox = inbox_name
        self._handler = handler
        self._batch_handler = batch_handler
        self._message_id = message_id
        self._single = DurableConsumer(service=service, broker=broker, handler=self._handle_alone, retry=retry,
                                       protect_dead_letter=protect_dead_letter)

    async def process_batch(self, deliveries: list[Delivery]) -> None:
        started = time.perf_counter()
        try:
            async with self._pool().acquire() as conn, conn.transaction():
                fresh = await inbox.claim_many(conn, self._inbox, [self._message_id(d) for d in deliveries])
                todo = []
                for delivery in deliveries:
                    message_id = self._message_id(delivery)
                    if message_id in fresh:
                        fresh.discard(message_id)  # the same event twice in one batch is handled once
                        todo.append(delivery)
                if self._batch_handler is not None:
                    await self._batch_handler(conn, todo)
                else:
                    for delivery in todo:
                        await self._handle_traced(conn, delivery)
        except Exception as error:
            log.warning("batch_failed_handling_one_by_one", size=len(deliveries), error=describe_error(error))
            for delivery in deliveries:
                await self._single.process(delivery)
            return
        elapsed = time.perf_counter() - started
        for delivery in deliveries:
            metrics.HANDLED.labels(self.service, delivery.topic, "handled").inc()
            metrics.PROCESSING_SECONDS.labels(self.service, delivery.topic).observe(elapsed)

    async def _handle_traced(self, conn: asyncpg.Connection, delivery: Delivery) -> None:
        with record_span(delivery):
            await self._handler(conn, delivery)

    async def _handle_alone(self, delivery: Delivery) -> None:
        async with self._pool().acquire() as conn, conn.transaction():
            if await inbox.claim(conn, self._inbox, self._message_id(delivery)):
                await self._handle_traced(conn, delivery)


@contextlib.contextmanager
def record_span(delivery: Delivery) -> Iterator[None]:
    """The span of one record's handling. A batch has one consume span; each record gets a span of
    its own as the child of its producer's context, so every report keeps one connected trace (and
    an outbox row written inside it carries that trace on)."""
    with continued(delivery.headers), _tracer.start_as_current_span(f"{delivery.topic} handle",
                                                                    kind=trace.SpanKind.CONSUMER):
        annotate(message_id=delivery.message_id, event_id=delivery.headers.get("event_id"),
                 event_type=delivery.headers.get("event_type"), correlation_id=delivery.headers.get("correlation_id"))
        yield


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


# What a hot subscription asks of the broker (see `subscribe_batches`).
HOT_FETCH = {"fetch_min_bytes": 65_536, "fetch_max_wait_ms": 20}


def subscribe_batches(broker: KafkaBroker, topic_names: Iterable[str], *, group_id: str,
                      consumer: TransactionalConsumer, max_records: int = 500, hot: bool = False) -> Any:
    """Register `consumer` on the topics: consumer group from the earliest offset, batches, manual ack.

    A `hot` subscription (the report stream) asks the broker to answer a fetch once it holds 64 KiB
    or 20 ms have passed: under load that is a few fetches a second instead of one per handful of
    records, which cost the broker more CPU than anything else on a small machine. Idle, it costs
    fifty empty fetches a second, so the quiet subscriptions keep the defaults (the first record,
    or half a second).
    """
    fetch = HOT_FETCH if hot else {}

    @broker.subscriber(*topic_names, group_id=group_id, auto_offset_reset="earliest", ack_policy=AckPolicy.MANUAL,
                       batch=True, max_records=max_records, batch_timeout_ms=20, decoder=_undecoded, **fetch)
    async def on_batch(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        try:
            await consumer.process_batch([_delivery(r) for r in records])
        except BaseException:
            await msg.nack()  # rewind every partition of the batch: nothing is committed past it
            raise
        await msg.ack()
        last = records[-1]
        _record_lag(msg, consumer.service, last.topic, last.partition, last.offset)

    return on_batch


def subscribe(broker: KafkaBroker, topic_names: Iterable[str], *, group_id: str,
              consumer: DurableConsumer) -> Any:
    """Register `consumer` on the topics: consumer group from the earliest offset, manual ack."""

    @broker.subscriber(*topic_names, group_id=group_id, auto_offset_reset="earliest",
                       ack_policy=AckPolicy.MANUAL, max_records=1, decoder=_undecoded)
    async def on_record(msg: KafkaMessage) -> None:
        record = msg.raw_message
        delivery = _delivery(record)
        try:
            await consumer.process(delivery)
        except BaseException:
            # Rewind to this record, so a later ack cannot commit past work that was never done.
            await msg.nack()
            raise
        await msg.ack()
        _record_lag(msg, consumer.service, record.topic, record.partition, record.offset)

    return on_record


def _record_lag(msg: KafkaMessage, service: str, topic: str, partition: int, offset: int) -> None:
    highwater = getattr(getattr(msg, "consumer", None), "highwater", None)
    if highwater is None:
        return
    from aiokafka import TopicPartition

    high = highwater(TopicPartition(topic, partition))
    if high is not None:
        metrics.CONSUMER_LAG.labels(service, topic, str(partition)).set(max(high - offset - 1, 0))
