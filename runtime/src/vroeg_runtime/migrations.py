"""Forward-only SQL migrations: numbered files applied once each, in order, under an advisory lock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger(__name__)

RUNTIME_MIGRATIONS = Path(__file__).parent / "migrations"
_FILENAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_ID = 0x5652_4F45_47  # "VROEG": one migrator at a time per database


@dataclass(frozen=True)
class Migration:
    namespace: str
    version: int
    name: str
    sql: str


def discover(namespace: str, directory: Path) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILENAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_what_it_does.sql: {path}")
        migrations.append(Migration(namespace, int(match.group(1)), path.stem, path.read_text()))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {directory}")
    return migrations


async def migrate(conn: asyncpg.Connection, service: str, service_dir: Path) -> list[str]:
    """Apply the runtime's plumbing migrations, then the service's own. Returns what was applied."""
    pending = discover("runtime", RUNTIME_MIGRATIONS) + discover(service, service_dir)
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   namespace text NOT NULL, version int NOT NULL, name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (namespace, version))"""
        )
        done = {(r["namespace"], r["version"]) for r in await conn.fetch("SELECT namespace, version FROM schema_migrations")}
        for migration in pending:
            if (migration.namespace, migration.version) in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (namespace, version, name) VALUES ($1, $2, $3)",
                    migration.namespace, migration.version, migration.name,
                )
            applied_now.append(f"{migration.namespace}/{migration.name}")
            log.info("migration_applied", migration=f"{migration.namespace}/{migration.name}")
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
    return applied_now


async def pending_count(conn: asyncpg.Connection, service: str, service_dir: Path) -> int:
    """How many known migrations are not applied yet (readiness uses it)."""
    known = discover("runtime", RUNTIME_MIGRATIONS) + discover(service, service_dir)
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return len(known)
    done = {(r["namespace"], r["version"]) for r in await conn.fetch("SELECT namespace, version FROM schema_migrations")}
    return sum(1 for m in known if (m.namespace, m.version) not in done)
