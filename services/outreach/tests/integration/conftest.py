"""Outreach against the real PostgreSQL: its use cases and its API in this process, with the database
pool of the test session. Kafka is not needed here: what outreach publishes is read from its outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from outreach.bootstrap import Outreach, build_parts
from outreach.config import SERVICE_DIR, OutreachSettings
from outreach.entrypoints import http
from outreach.entrypoints.loops import perform_due_steps
from outreach.handlers.dependencies import OutreachDependencies
from outreach.handlers.open_case import open_case
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import HouseholdAtRisk, Intensity, OutreachAction, SignalRef
from vroeg_contracts.keys import KeyFolder
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_contracts.privacy import ContactDetails, seal
from vroeg_runtime.migrations import migrate
from vroeg_runtime.settings import PlatformSettings
from vroeg_runtime.unit_of_work import pooled_unit_of_work

# The supervisor, auditor and admin serve both municipalities; `caseworker` serves Ouder-Amstel (0437)
# and `caseworker-0362` Amstelveen.
TOKENS = {"caseworker": "dev-caseworker-token", "supervisor": "dev-supervisor-token",
          "auditor": "dev-auditor-token", "admin": "dev-admin-token",
          "caseworker-0362": "dev-caseworker-0362-token", "supervisor-0362": "dev-supervisor-0362-token"}


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


@pytest.fixture(scope="session")
async def outreach_pool(platform) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(platform.database_urls["outreach"], min_size=1, max_size=6)
    async with pool.acquire() as conn:
        await migrate(conn, "outreach", SERVICE_DIR / "migrations")
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def outreach(outreach_pool, platform, tmp_path_factory) -> Outreach:
    """Outreach's parts with the session's pool; contact follows the letter at once (delays of 0)."""
    base = tmp_path_factory.mktemp("outreach")
    settings = OutreachSettings(database_url=platform.database_urls["outreach"], letters_dir=base / "letters",
                                referrals_dir=base / "referrals", call_delay=timedelta(0), crisis_delay=timedelta(0))
    parts = build_parts(settings, PlatformSettings(keys_dir=platform.keys_dir, kafka_bootstrap=platform.kafka_bootstrap))
    parts.runtime.pool = outreach_pool
    return parts


@pytest.fixture(scope="session")
async def api(outreach) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    http.register(app, outreach.runtime, outreach.deps)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://outreach") as client:
        yield client


async def close_as_caseworker(api: httpx.AsyncClient, case_id: uuid.UUID,
                              outcome: str = "(Budget)advies en/of quick fix") -> None:
    response = await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"), json={"outcome": outcome})
    assert response.status_code < 300, response.text


def resident(number: int, *, phone: bool = True) -> ContactDetails:
    run = uuid.uuid4().hex[:8]
    return ContactDetails(initials="T.", surname=f"Proefbewoner{run}", street=f"Teststraat{run}", house_number=number,
                          postcode="1191BK", city="Ouderkerk aan de Amstel", bsn="123456782",
                          phone="+31612345678" if phone else None, email=f"t.{run}@example.nl")


PARTNERS = {Category.RENT: "eigen-haard", Category.WATER: "waternet"}
NewCase = Callable[..., Awaitable[Envelope[HouseholdAtRisk]]]


def at_risk(public_key: Any, *, phone: bool = True, action: OutreachAction = OutreachAction.LETTER_AND_CALL,
            intensity: Intensity = Intensity.MULTIPLE, categories: tuple[Category, ...] = (Category.RENT, Category.WATER),
            municipality_code: str = "0437") -> Envelope[HouseholdAtRisk]:
    """Matching's decision that a (new) household is at risk, its contact sealed for outreach."""
    contact = resident(len(categories), phone=phone)
    today = today_in_amsterdam()
    signals = [SignalRef(signal_id=uuid.uuid4(), partner_id=PARTNERS.get(c, "vgz"),
                         report_id=f"it-{uuid.uuid4().hex[:10]}", category=c, signal_date=today - timedelta(days=2),
                         arrears_since=today - timedelta(days=60), amount=Decimal("123.45"),
                         crisis=intensity is Intensity.CRISIS) for c in categories]
    decision = HouseholdAtRisk(decision_id=uuid.uuid4(), episode_id=uuid.uuid4(), intensity=intensity,
                               action=action, rule="test", signals=signals, matched_on=today,
                               window_start=today - timedelta(days=2), window_end=today + timedelta(days=88),
                               contact=seal(contact, public_key, "dev-1"))
    return Envelope.wrap(decision, producer="matching", municipality_code=municipality_code,
                         household_key=f"hh-{uuid.uuid4().hex}", correlation_id=uuid.uuid4())


@pytest.fixture
def outreach_public_key(platform) -> Any:
    return KeyFolder(platform.keys_dir).outreach_public_key("dev-1")


@pytest.fixture
def new_case(outreach, outreach_pool, outreach_public_key) -> NewCase:
    """Open a case as matching's decision would, and (by default) send its first letter."""

    async def make(*, send_letter: bool = True, **decision: Any) -> Envelope[HouseholdAtRisk]:
        envelope = at_risk(outreach_public_key, **decision)
        async with pooled_unit_of_work(outreach_pool) as uow:
            assert await open_case(uow, envelope, outreach.deps)
        if send_letter:
            await perform_until(outreach, lambda steps: "first_letter" in steps, envelope.payload.episode_id)
        return envelope

    return make


async def done_steps(pool: asyncpg.Pool, case_id: uuid.UUID) -> list[str]:
    return [r["step"] for r in await pool.fetch(
        "SELECT step FROM schedule WHERE case_id = $1 AND done_at IS NOT NULL ORDER BY done_at", case_id)]


async def perform_until(outreach: Outreach, condition: Callable[[list[str]], bool], case_id: uuid.UUID,
                        rounds: int = 20, deps: OutreachDependencies | None = None) -> list[str]:
    """Perform due steps (of every case) until `condition` holds for this case's done steps."""
    for _ in range(rounds):
        steps = await done_steps(outreach.runtime.db, case_id)
        if condition(steps):
            return steps
        await perform_due_steps(outreach.runtime.db, deps or outreach.deps,
                                now=datetime.now(UTC) + timedelta(seconds=1))
    raise AssertionError(f"case {case_id}: steps {await done_steps(outreach.runtime.db, case_id)}")


async def outbox_events(pool: asyncpg.Pool, event_type: str, **payload: Any) -> list[dict[str, Any]]:
    """Envelopes of one type in outreach's outbox whose payload matches."""
    rows = await pool.fetch("SELECT payload FROM outbox WHERE headers->>'event_type' = $1 ORDER BY seq", event_type)
    found = [json.loads(r["payload"]) for r in rows]
    return [e for e in found if all(str(e["payload"].get(k)) == str(v) for k, v in payload.items())]
