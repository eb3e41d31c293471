"""Fixtures for intake's tests on the real PostgreSQL (and Kafka): intake in this process, its
database, and what its outbox holds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from intake.bootstrap import build
from intake.config import IntakeSettings
from intake.handlers.dependencies import IntakeDependencies
from vroeg_runtime.outbox import OutboxRelay


@dataclass
class RunningIntake:
    intake: IntakeDependencies
    client: httpx.AsyncClient

    async def post(self, body: Any, *, partner: str = "eigen-haard", content_type: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer dev-token-{partner}"}
        if content_type:
            headers["Content-Type"] = content_type
        if isinstance(body, (bytes, str)):
            return await self.client.post("/v1/reports", content=body, headers=headers)
        return await self.client.post("/v1/reports", json=body, headers=headers)


def flat_csv(reports, separator=","):
    """Reports as a CSV file of the contract's field names (the flat form)."""
    rows = [{k: v for k, v in r.items() if k not in ("arrears", "client")} | r["arrears"] | r["client"] for r in reports]
    columns = sorted({name for row in rows for name in row})
    lines = [separator.join(columns)] + [separator.join(str(row.get(c, "")) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


async def running(settings: IntakeSettings) -> AsyncIterator[RunningIntake]:
    """Intake in this process and event loop, started and stopped by its own lifespan."""
    intake, app = build(settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake", timeout=120) as client:
        yield RunningIntake(intake, client)


async def _held_back(_relay: OutboxRelay) -> None:
    """`OutboxRelay.start`, doing nothing: what a request wrote stays in the outbox."""


@pytest.fixture(scope="module")
async def http_intake(platform) -> AsyncIterator[RunningIntake]:
    """Intake taking HTTP only: its partner-topic subscriber stays off, so no other test's
    intake has to share the partner topics with it. Its outbox relay is held back, so the tests can
    read what a request wrote for publishing (`Outbox`): the relay deletes what it published
    (ADR 0006), and it is woken the moment a request commits. A later intake publishes the rest."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OutboxRelay, "start", _held_back)
        async for started in running(IntakeSettings(kafka_ingress=False)):
            yield started


@pytest.fixture(scope="module")
async def kafka_intake(platform) -> AsyncIterator[RunningIntake]:
    async for started in running(IntakeSettings(kafka_ingress=True)):
        yield started


@pytest.fixture(scope="module")
async def intake_db(platform) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(platform.database_urls["intake"], min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def outbox(intake_db: asyncpg.Pool) -> Outbox:
    return Outbox(intake_db)


@dataclass
class Outbox:
    """What intake wrote for publishing, read back as JSON, per report id."""

    pool: asyncpg.Pool

    async def arrears_reported(self, report_id: str) -> list[dict[str, Any]]:
        return await self._messages("ArrearsReported", "convert_from(payload, 'UTF8')::jsonb #>> '{payload,report_id}'",
                                    report_id)

    async def rejections(self, report_id: str) -> list[dict[str, Any]]:
        return await self._messages("ReportRejected", "convert_from(payload, 'UTF8')::jsonb ->> 'report_id'", report_id)

    async def _messages(self, event_type: str, report_id_expression: str, report_id: str) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(
            f"SELECT topic, convert_from(payload, 'UTF8')::jsonb AS message FROM outbox"
            f" WHERE headers ->> 'event_type' = $1 AND {report_id_expression} = $2 ORDER BY seq",
            event_type, report_id)
        return [{"topic": row["topic"], **json.loads(row["message"])} for row in rows]

    async def written(self) -> int:
        """How many rows the outbox was ever given (its sequence): the relay deletes what it
        published (ADR 0006), so a count of the rows left says nothing about what a call wrote."""
        return await self.pool.fetchval("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM outbox_seq_seq")

    async def discard_since(self, written: int) -> int:
        """Delete what was written after `written` (see `written`) and is not yet published; returns
        how many rows. For a test whose events are for itself alone: left in the outbox, the next
        test to start intake would publish them, and every consumer after would work through them."""
        return int((await self.pool.execute("DELETE FROM outbox WHERE seq > $1", written)).split()[-1])
