"""Each service owns its database: its own tables, and no role can open another service's database."""

import asyncpg
import pytest

from vroeg_runtime.migrations import migrate

SERVICES = ("intake", "matching", "outreach", "consent")
OWN_TABLES = {"intake": {"raw_reports", "signals", "rejections"}, "matching": {"signals", "households", "decisions", "case_closures", "decision_reads"},
              "outreach": {"cases", "letters", "schedule", "contact_attempts"}, "consent": {"consents", "share_decisions"}}


async def test_each_service_has_its_own_tables(platform):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for service in SERVICES:
        conn = await asyncpg.connect(platform.database_urls[service])
        try:
            await migrate(conn, service, root / "services" / service / "migrations")
            tables = {r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        finally:
            await conn.close()
        assert OWN_TABLES[service] <= tables
        assert {"outbox", "inbox", "schema_migrations"} <= tables
        others = set().union(*(OWN_TABLES[s] for s in SERVICES if s != service)) - OWN_TABLES[service]
        assert not (others & tables), f"{service} holds another service's tables: {others & tables}"


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_cannot_open_another_services_database(platform, service):
    url = platform.database_urls[service]
    for other in SERVICES:
        if other == service:
            continue
        foreign = url.rsplit("/", 1)[0] + "/" + other
        with pytest.raises((asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InsufficientPrivilegeError,
                            asyncpg.InvalidPasswordError)):
            await asyncpg.connect(foreign)
