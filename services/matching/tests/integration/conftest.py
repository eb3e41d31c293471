"""Matching as a process on the real Kafka and PostgreSQL: events go in on its topics, and the tests
read what it stored (its database) and what it published (the decisions topic)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import RecordMetadata

from matching.config import SERVICE_DIR
from vroeg_contracts.envelope import Envelope, Event
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_report import Category, ReportStatus, today_in_amsterdam
from vroeg_contracts.privacy import SealedContact
from vroeg_devtools import bus
from vroeg_devtools.stack import ServiceProcess, Stack
from vroeg_runtime import migrations
from vroeg_runtime.staff_auth import token_sha256

CATEGORIES = {"eigen-haard": Category.RENT, "vgz": Category.HEALTH_INSURANCE,
              "zilveren-kruis": Category.HEALTH_INSURANCE, "waternet": Category.WATER}
TOKEN = {"caseworker": "dev-staff-matching-caseworker", "auditor": "dev-staff-matching-auditor",
         "elsewhere": "dev-staff-matching-elsewhere"}


def matching_stack(tmp_path, **env: str) -> Stack:
    """Start matching with the shipped staff file plus a member who serves another municipality only."""
    digest = token_sha256(TOKEN["elsewhere"])
    staff = tmp_path / "staff.toml"
    staff.write_text((SERVICE_DIR / "config" / "staff.toml").read_text() + '\n[[staff]]\nid = "elsewhere"\n'
                     f'role = "supervisor"\nmunicipalities = ["0363"]\ntoken_sha256 = "{digest}"\n')
    return Stack(env={"MATCHING_STAFF_FILE": str(staff), "VROEG_JSON_LOGS": "true", **env}).start(("matching",))


@pytest.fixture(scope="module")
def matching(platform, tmp_path_factory) -> Iterator[Stack]:
    """One matching process for a test module (starting one costs seconds on a busy machine)."""
    stack = matching_stack(tmp_path_factory.mktemp("matching"))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
async def db(platform) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(platform.database_urls["matching"], min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def conn(platform) -> AsyncIterator[asyncpg.Connection]:
    """A connection whose work is all rolled back at the end: the test's decisions must never reach
    the outbox relay of a matching process started later (their sealed contacts are fake)."""
    connection = await asyncpg.connect(platform.database_urls["matching"])
    await migrations.migrate(connection, "matching", SERVICE_DIR / "migrations")
    everything = connection.transaction()
    await everything.start()  # the tests' own transactions become savepoints inside it
    try:
        yield connection
    finally:
        await everything.rollback()
        await connection.close()


@pytest.fixture(scope="module")
async def producer(platform) -> AsyncIterator[AIOKafkaProducer]:
    # As the platform's admin principal, which may write on every service's topics.
    started = AIOKafkaProducer(**bus.client_options(), acks="all", enable_idempotence=True)
    await started.start()
    yield started
    await started.stop()


@pytest.fixture
def publish(producer) -> Callable[..., Awaitable[list[RecordMetadata]]]:
    async def send(*envelopes: Envelope[Any]) -> list[RecordMetadata]:
        """Publish as the producing service's relay does: keyed by household, in order."""
        return [await (await producer.send(envelope.payload.topic, envelope.to_bytes(), key=envelope.household_key.encode(),
                                           headers=[("event_type", envelope.event_type.encode()),
                                                    ("event_id", str(envelope.event_id).encode())]))
                for envelope in envelopes]

    return send


@pytest.fixture
def consumed(platform) -> Callable[[str, RecordMetadata], Awaitable[bool]]:
    async def committed_past(group_id: str, record: RecordMetadata) -> bool:
        """True once the consumer group committed past `record`: matching handled it (or dead-lettered it)."""
        consumer = AIOKafkaConsumer(**bus.client_options(), group_id=group_id, enable_auto_commit=False)
        await consumer.start()
        try:
            committed = await consumer.committed(TopicPartition(record.topic, record.partition))
        finally:
            await consumer.stop()
        return committed is not None and committed > record.offset

    return committed_past


@dataclass
class Household:
    """A fresh household pseudonym and the events that concern it."""

    key: str = field(default_factory=lambda: f"it-{uuid.uuid4().hex}")

    def event(self, payload: Event, producer: str) -> Envelope[Any]:
        return Envelope.wrap(payload, producer=producer, municipality_code="0437", household_key=self.key,
                             correlation_id=uuid.uuid4())

    def report(self, partner: str, *, days_ago: int, status: str = "open", signal_id: uuid.UUID | None = None,
               report_id: str | None = None, days_in_arrears: int = 45, crisis: bool = False) -> Envelope[ArrearsReported]:
        signal_date = today_in_amsterdam() - timedelta(days=days_ago)
        return self.event(ArrearsReported(
            signal_id=signal_id or uuid.uuid4(), partner_id=partner, report_id=report_id or uuid.uuid4().hex[:12],
            category=CATEGORIES[partner], status=ReportStatus(status), amount=Decimal("250.00"),
            signal_date=signal_date, arrears_since=signal_date - timedelta(days=days_in_arrears), crisis=crisis,
            warm_handover=False, person_key=None,
            contact=SealedContact(key_id="dev-1", ciphertext=f"c2VhbGVk{uuid.uuid4().hex}")), "intake")


@pytest.fixture
def household() -> Callable[[], Household]:
    return Household


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout}s (last: {result!r})")
        await asyncio.sleep(0.2)


@pytest.fixture
def decisions_of(db) -> Callable[..., Awaitable[list[asyncpg.Record]]]:
    async def fetch(household_key: str) -> list[asyncpg.Record]:
        return await db.fetch("SELECT * FROM decisions WHERE household_key = $1 ORDER BY seq", household_key)

    return fetch


@pytest.fixture
def handled(db, decisions_of) -> Callable[..., Awaitable[list[asyncpg.Record]]]:
    async def wait(envelope: Envelope[Any]) -> list[asyncpg.Record]:
        """Wait until matching logged a decision caused by `envelope`; the household's decisions."""
        await eventually(lambda: db.fetchval("SELECT count(*) FROM decisions WHERE cause_event_id = $1",
                                             envelope.event_id), what=f"a decision caused by {envelope.event_type}")
        return await decisions_of(envelope.household_key)

    return wait


async def logged(process: ServiceProcess, event: str, **fields: Any) -> list[dict[str, Any]]:
    """The process's JSON log lines of `event` whose fields include `fields` (async, for `eventually`)."""
    assert process.log_path is not None
    lines = [json.loads(line) for line in process.log_path.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == event and fields.items() <= line.items()]


def now() -> datetime:
    return datetime.now(UTC)
