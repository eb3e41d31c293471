"""Shared pytest fixtures and markers.

Tests under an `integration/`, `e2e/` or `faults/` folder are marked `platform`: they need the real
Kafka and PostgreSQL that `make test` starts (deploy/local/isolated.sh). `make unit` deselects them.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from vroeg_contracts.partner_report import today_in_amsterdam

from .stack import Stack
from .synthetic import valid_bsn

PLATFORM_DIRS = ("integration", "e2e", "faults")
SERVICES = ("intake", "matching", "outreach", "consent")
# The seed of the run's property tests that take it (`@hypothesis.seed(PROPERTY_SEED)`), printed in
# the run's header: VROEG_PROPERTY_SEED=<n> replays exactly the examples of that run.
PROPERTY_SEED = int(os.environ.get("VROEG_PROPERTY_SEED") or random.SystemRandom().randrange(2**32))


def pytest_report_header(config: pytest.Config) -> str:
    return f"property seed: {PROPERTY_SEED} (VROEG_PROPERTY_SEED={PROPERTY_SEED} replays it)"


def pytest_configure(config: pytest.Config) -> None:
    # Tests run against development platforms only: services built in a test (even without a
    # broker) may use the derived development Kafka passwords.
    os.environ.setdefault("VROEG_KAFKA_DEV_PASSWORDS", "1")


def pytest_sessionstart(session: pytest.Session) -> None:
    """On a platform made fresh for this run (deploy/local/isolated.sh says so), stop at once, with
    the reason, when it is not: tests that meet an earlier run's rows fail slowly and misleadingly."""
    if os.environ.get("VROEG_FRESH_PLATFORM") != "1":
        return
    problem = asyncio.run(_not_fresh())
    if problem:
        pytest.exit(f"the platform is not what a fresh run expects: {problem}", returncode=3)


async def _not_fresh() -> str | None:
    bootstrap = os.environ.get("VROEG_KAFKA_BOOTSTRAP", "")
    if not _reachable(bootstrap):
        return f"Kafka is not reachable at {bootstrap!r}"
    for service in SERVICES:
        url = os.environ.get(f"{service.upper()}_DATABASE_URL", "")
        try:
            conn = await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError) as error:
            return f"{service}'s database cannot be reached ({type(error).__name__}: {error})"
        try:
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        finally:
            await conn.close()
        if tables:
            return (f"{service}'s database already holds tables ({', '.join(t['tablename'] for t in tables[:5])}): "
                    "it was not made for this run; `bash deploy/local/postgres.sh destroy` removes the old cluster")
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if any(d in parts for d in PLATFORM_DIRS):
            item.add_marker(pytest.mark.platform)
        if "e2e" in parts or "faults" in parts:
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class Platform:
    kafka_bootstrap: str
    database_urls: dict[str, str]
    keys_dir: Path
    state_dir: Path


def _reachable(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def platform() -> Platform:
    bootstrap = os.environ.get("VROEG_KAFKA_BOOTSTRAP")
    urls = {s: os.environ.get(f"{s.upper()}_DATABASE_URL", "") for s in SERVICES}
    if not bootstrap or not all(urls.values()) or not _reachable(bootstrap):
        pytest.fail("this test needs the real Kafka and PostgreSQL: run it through `make test` "
                    "(or `make up` and deploy/local/with-env.sh)", pytrace=False)
    return Platform(bootstrap, urls, Path(os.environ["VROEG_KEYS_DIR"]), Path(os.environ["VROEG_STATE_DIR"]))


@pytest.fixture
def stack(platform: Platform, tmp_path: Path) -> Iterator[Stack]:
    """A stack of service processes; start the ones a test needs with `stack.start((...))`.
    Delays are seconds, so a week of outreach runs in a test. The services read only what is sent
    after they start (set `stack.skip_history = False` to read a backlog sent before)."""
    started = Stack(env={"OUTREACH_LETTERS_DIR": str(tmp_path / "letters"), "OUTREACH_CALL_DELAY": "PT3S",
                         "OUTREACH_CRISIS_DELAY": "PT2S", "VROEG_JSON_LOGS": "true"}, skip_history=True)
    try:
        yield started
    finally:
        started.stop()


async def service_pool(platform: Platform, service: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(platform.database_urls[service], min_size=1, max_size=4)


@pytest.fixture
async def admin_pools(platform: Platform) -> AsyncIterator[dict[str, asyncpg.Pool]]:
    """A pool per service database, for tests that check what a service stored."""
    pools = {s: await service_pool(platform, s) for s in SERVICES}
    try:
        yield pools
    finally:
        for pool in pools.values():
            await pool.close()


class Residents:
    """Unique synthetic residents: every test gets households nobody else uses."""

    def __init__(self) -> None:
        self.rng = random.Random()
        self.run = uuid.uuid4().hex[:10]
        self.count = 0

    def client(self, *, phone: bool = True, **overrides: Any) -> dict[str, Any]:
        self.count += 1
        client = {"initials": "T.", "surname": f"Testbewoner{self.run}{self.count}", "street": f"Proefstraat{self.run}",
                  "house_number": self.count, "postcode": f"{self.rng.randint(1000, 9999)} {self.rng.choice(['AB', 'CD', 'KL', 'XY'])}",
                  "city": "Ouderkerk aan de Amstel", "bsn": valid_bsn(self.rng),
                  "email": f"bewoner.{self.run}.{self.count}@example.nl"}
        if phone:
            client["phone"] = f"+3161{self.rng.randint(1_000_000, 9_999_999)}"
        return {**client, **overrides}

    def report(self, partner: str, category: str, client: dict[str, Any], *, days_ago: int = 1,
               days_in_arrears: int = 60, status: str = "open", crisis: bool = False, report_id: str | None = None,
               amount: str = "250.00", municipality_code: str = "0437") -> dict[str, Any]:
        self.count += 1
        signal_date = today_in_amsterdam() - timedelta(days=days_ago)
        return {"report_id": report_id or f"t-{self.run}-{self.count}", "partner_id": partner,
                "arrears": {"category": category, "municipality_code": municipality_code,
                            "signal_date": signal_date.isoformat(),
                            "status": status, "amount": amount,
                            "arrears_since": (signal_date - timedelta(days=days_in_arrears)).isoformat(),
                            "crisis": crisis},
                "client": client}


@pytest.fixture
def residents() -> Residents:
    return Residents()
