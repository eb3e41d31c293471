"""The life of one service process: database pool and migrations, the Kafka broker, the outbox
relay and background loops, health endpoints, and a graceful stop on SIGTERM (uvicorn's)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import structlog
import uvicorn
from aiokafka import AIOKafkaProducer
from aiokafka.errors import OutOfOrderSequenceNumber, ProducerFenced
from fastapi import FastAPI, Request, Response
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import heap, metrics, migrations
from .kafka_auth import aiokafka_options, faststream_security
from .outbox import OutboxRelay, headers_to_send, relay_span
from .telemetry import configure_tracing

log = structlog.get_logger(__name__)

Loop = Callable[["ServiceRuntime"], Awaitable[None]]


# Idempotent with acks=all: a retried send is not written twice by the broker. Batches of up to
# 512 KiB per partition (aiokafka's default is 16 KiB, a dozen envelopes): an idempotent producer
# has one request in flight, so a relay batch of 500 went out as several requests one after the
# other, each a round trip and a socket write (the biggest single item in intake's and matching's
# profiles). The broker takes batches up to its message.max.bytes, 1 MiB by default. With this the
# bench's floor doubled and intake's and matching's CPU per report fell by 5 to 9 %.
# No linger: the relay hands a whole batch to `send` before it awaits anything (`send` does not
# suspend while the topic's metadata is known and the batch has room), so one request carries it
# anyway, and the 5 ms of linger were only 5 ms more per hop (docs/performance.md).
RELAY_PRODUCER = {"acks": "all", "enable_idempotence": True, "linger_ms": 0, "max_batch_size": 524_288}


# Errors after which an idempotent aiokafka producer is done for: its sender task ends, and every
# later send fails the same way. A broker restart that loses the producer's sequence numbers gives
# OutOfOrderSequenceNumber (the fault suite found a relay retrying it every 10 s for good); unlike
# the Java client, aiokafka does not then ask for a new producer id.
PRODUCER_ENDED = (OutOfOrderSequenceNumber, ProducerFenced)


class KafkaPublisher:
    """Publishes outbox rows with a plain aiokafka producer of the service's own principal. The rows
    are serialised already and carry their trace context, so FastStream's per-message publish
    middleware would add only CPU (it was a fifth of a busy service's time)."""

    def __init__(self, bootstrap: str, principal: str) -> None:
        self._bootstrap, self._principal = bootstrap, principal
        self._producer = self._new_producer()
        self._ended = False

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(bootstrap_servers=self._bootstrap, client_id=f"vroeg-{self._principal}-relay",
                                **RELAY_PRODUCER, **aiokafka_options(self._principal))

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish_many(self, messages: list[tuple[str, bytes | None, bytes, dict[str, str]]]) -> None:
        if self._ended:
            await self._renew()
        try:
            # Send all, then await all confirmations: one round trip per batch, not per message.
            pending = []
            for topic, key, payload, headers in messages:
                with relay_span(topic, headers) as span:
                    pending.append(await self._producer.send(topic, payload, key=key,
                                                             headers=headers_to_send(headers, span)))
            await asyncio.gather(*pending)
        except PRODUCER_ENDED:
            # The relay retries the batch with a new producer (a new producer id); what the old one
            # had written arrives again, and the consumers' inboxes drop it.
            self._ended = True
            raise

    async def _renew(self) -> None:
        log.warning("relay_producer_renewed", principal=self._principal)
        with contextlib.suppress(Exception):  # its sender has ended: stopping it may wait for nothing
            await asyncio.wait_for(self._producer.stop(), timeout=10)
        self._producer = self._new_producer()
        await self._producer.start()  # if the broker is away, this raises and the relay retries
        self._ended = False


async def open_pool(database_url: str) -> asyncpg.Pool:
    """A service's connection pool.

    - Every statement is planned for its own parameters. asyncpg prepares each statement once per
      connection, and PostgreSQL may then settle on a generic plan made while a table was still
      empty: matching's batch UPDATE of households kept a plan that scanned the whole table for
      every batch (a third of the database's time at 500 reports/s, p99 doubled) until the next
      ANALYZE. Planning a keyed statement costs a fraction of a millisecond per batch.
    - No timers: prepared statements stay cached, and idle connections open, for the connection's
      and the pool's life. asyncpg's defaults (five minutes each) set an asyncio timer for every
      statement it caches and every connection released to the pool, and a timer keeps the context
      it was set in, even once cancelled, until it is due or the loop purges it: the batch being
      handled (FastStream keeps its message, with the Kafka records, in the context), for up to five
      minutes, and then as cyclic garbage until a collection (ADR 0008 makes those rare). In the
      million-row import (issue 23) outreach grew by about 0.9 MB a minute, past 200 MB; a
      collection freed 35,000 objects, 11,000 of them Kafka records.
    - No reset query when a connection goes back to the pool (`_keep_session`). asyncpg's default
      sends four statements (`pg_advisory_unlock_all`, `CLOSE ALL`, `UNLISTEN *`, `RESET ALL`) on
      every release, a round trip per Kafka batch and per relay round: one in eight of a busy
      service's statements. Nothing here changes the session: settings are `SET LOCAL`, advisory
      locks are transaction locks (migrations unlock theirs), and the relay's listener unlistens
      itself. asyncpg still rolls back a transaction left open before the connection is reused.
    """
    return await asyncpg.create_pool(database_url, min_size=2, max_size=10, max_cached_statement_lifetime=0,
                                     max_inactive_connection_lifetime=0, reset=_keep_session,
                                     server_settings={"plan_cache_mode": "force_custom_plan"})


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """A pool's reset that sends nothing (see `open_pool`)."""


@dataclass
class ServiceRuntime:
    name: str
    version: str
    database_url: str
    kafka_bootstrap: str
    migrations_dir: Path
    loops: list[Loop] = field(default_factory=list)
    # Options for the service's FastStream broker and so its consumers (intake's `metadata_max_age_ms`, say).
    kafka_options: dict[str, Any] = field(default_factory=dict)
    # Work done once the database is migrated, before any message or request is taken (intake loads
    # its partners from its database): see `once_migrated`.
    _preparations: list[Callable[[asyncpg.Pool], Awaitable[object]]] = field(init=False, default_factory=list)
    # Work that must finish before the consumers close (the offsets of batches already done).
    _before_broker_stops: list[Callable[[], Awaitable[object]]] = field(init=False, default_factory=list)
    broker: KafkaBroker = field(init=False)
    pool: asyncpg.Pool | None = field(init=False, default=None)
    relay: OutboxRelay | None = field(init=False, default=None)
    publisher: KafkaPublisher | None = field(init=False, default=None)
    _tasks: list[asyncio.Task[None]] = field(init=False, default_factory=list)
    tracer_provider: TracerProvider = field(init=False)
    stopping: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.tracer_provider = configure_tracing(self.name, self.version)
        AsyncPGInstrumentor().instrument(tracer_provider=self.tracer_provider)
        # Idempotent producer with acks=all: a retried send is not written twice by the broker.
        self.broker = KafkaBroker(
            self.kafka_bootstrap, client_id=f"vroeg-{self.name}", enable_idempotence=True, acks="all",
            security=faststream_security(self.name),  # each service is its own principal, see deploy/security.toml
            graceful_timeout=20.0,
            # FastStream's own logger prints plain text; route it through our JSON pipeline instead.
            logger=logging.getLogger("vroeg.faststream"),
            middlewares=[KafkaTelemetryMiddleware(tracer_provider=self.tracer_provider),
                         KafkaPrometheusMiddleware(registry=metrics.REGISTRY, app_name=self.name,
                                                   metrics_prefix="vroeg_faststream")],
            **self.kafka_options)

    @property
    def db(self) -> asyncpg.Pool:
        assert self.pool is not None, "service not started"
        return self.pool

    async def start(self) -> None:
        self.pool = await open_pool(self.database_url)
        async with self.pool.acquire() as conn:
            await migrations.migrate(conn, self.name, self.migrations_dir)
        for prepare in self._preparations:
            await prepare(self.pool)
        await self.broker.start()
        self.publisher = KafkaPublisher(self.kafka_bootstrap, self.name)
        await self.publisher.start()
        self.relay = OutboxRelay(self.pool, self.publisher, service=self.name)
        await self.relay.start()
        self._tasks = [asyncio.create_task(self._guarded(loop), name=getattr(loop, "__name__", "loop")) for loop in self.loops]
        log.info("service_started", version=self.version)

    async def _guarded(self, loop: Loop) -> None:
        # A background loop that dies must not die silently, nor spin: log and restart it after a pause.
        while not self.stopping.is_set():
            try:
                await loop(self)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background_loop_failed", loop=getattr(loop, "__name__", "loop"))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), timeout=2.0)

    async def stop(self) -> None:
        """Drain: stop taking messages and let handlers in flight finish, then stop the rest."""
        log.info("service_stopping")
        self.stopping.set()
        for work in self._before_broker_stops:
            await work()
        await self.broker.stop()  # waits for handlers in flight (graceful_timeout)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.relay is not None:
            await self.relay.stop()
        if self.publisher is not None:
            await self.publisher.stop()
        if self.pool is not None:
            await self.pool.close()
        log.info("service_stopped")
        self.tracer_provider.shutdown()  # flushes the spans still queued

    def before_broker_stops(self, work: Callable[[], Awaitable[object]]) -> None:
        """Run `work` when the service stops, before the broker closes its consumers; a handler in
        flight may still finish after it (see `subscribe_batches` for what it then does itself)."""
        self._before_broker_stops.append(work)

    def once_migrated(self, work: Callable[[asyncpg.Pool], Awaitable[object]]) -> None:
        """Run `work` at start-up, once the database is migrated and before the broker or the HTTP API
        takes anything: what every message and request needs to find in place."""
        self._preparations.append(work)

    def every(self, seconds: float, work: Callable[[], Awaitable[object]], *, name: str) -> None:
        """Run `work` at start-up and then every `seconds` until the service stops: a background loop
        (a retention sweep, a schedule), guarded like every loop."""

        async def repeat(runtime: ServiceRuntime) -> None:
            while True:
                await work()
                if await runtime.sleep_unless_stopping(seconds):
                    return

        repeat.__name__ = name
        self.loops.append(repeat)

    async def sleep_unless_stopping(self, seconds: float) -> bool:
        """Sleep; True if the service is stopping (a loop should then return)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        return self.stopping.is_set()

    async def readiness(self) -> dict[str, bool]:
        checks = {"database": False, "migrations": False, "broker": False}
        try:
            async with self.db.acquire(timeout=2) as conn:
                checks["database"] = await conn.fetchval("SELECT 1") == 1
                checks["migrations"] = await migrations.pending_count(conn, self.name, self.migrations_dir) == 0
        except Exception:
            pass
        with contextlib.suppress(Exception):
            checks["broker"] = bool(await self.broker.ping(timeout=2.0))
        return checks


def create_http_app(runtime: ServiceRuntime, *, title: str) -> FastAPI:
    """The service's HTTP app: health endpoints, with the runtime started and stopped by its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        heap.settle()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, version=runtime.version, lifespan=lifespan)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=runtime.tracer_provider, excluded_urls="health,metrics")

    @app.middleware("http")
    async def log_refusals(request: Request, call_next):  # type: ignore[no-untyped-def]
        # Every refused call is logged in one place, for every service; the token never is.
        response = await call_next(request)
        if response.status_code in (401, 403):
            log.warning("http_access_refused", method=request.method, path=request.url.path,
                        status=response.status_code, client=request.client.host if request.client else None)
        return response

    @app.get("/health/live", tags=["health"])
    async def live() -> dict[str, str]:
        return {"status": "alive", "service": runtime.name, "version": runtime.version}

    @app.get("/health/ready", tags=["health"])
    async def ready(response: Response) -> dict[str, object]:
        checks = await runtime.readiness()
        ok = all(checks.values())
        response.status_code = 200 if ok else 503
        return {"ready": ok, "checks": checks}

    @app.get("/metrics", tags=["health"], include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return app


def serve(app: FastAPI, host: str, port: int) -> None:
    # uvicorn turns SIGTERM into a lifespan shutdown, which drains the runtime.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False,
                timeout_graceful_shutdown=30)
