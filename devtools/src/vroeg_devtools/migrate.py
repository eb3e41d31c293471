"""Apply a service's database migrations by command, ahead of starting the service.

    python -m vroeg_devtools.migrate matching                 # its <SERVICE>_DATABASE_URL
    python -m vroeg_devtools.migrate matching --database-url postgresql://...
    python -m vroeg_devtools.migrate matching --status        # what is pending; changes nothing

Services migrate themselves at start-up too (vroeg_runtime.service), under the same advisory lock,
so running this first only moves the work (and any failure) to a moment of your choosing. The
migrations are forward-only: there is no down command (docs/operations.md, "Rolling back").
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from pathlib import Path

import asyncpg
import structlog

from vroeg_runtime import migrations

SERVICES = ("intake", "matching", "outreach", "consent")


def service_paths(service: str) -> tuple[str, Path]:
    """The service's configured database URL and its migrations folder, from its own config module."""
    config = importlib.import_module(f"{service}.config")
    settings = getattr(config, f"{service.capitalize()}Settings")()
    return settings.database_url, config.SERVICE_DIR / "migrations"


async def run(service: str, database_url: str, migrations_dir: Path, *, status: bool) -> list[str]:
    """Apply what is pending (or, with `status`, only list it). Returns `namespace/name` of each."""
    conn = await asyncpg.connect(database_url)
    try:
        if status:
            known = migrations.discover("runtime", migrations.RUNTIME_MIGRATIONS) + migrations.discover(
                service, migrations_dir)
            exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
            done = set() if not exists else {
                (r["namespace"], r["version"]) for r in await conn.fetch("SELECT namespace, version FROM schema_migrations")}
            return [f"{m.namespace}/{m.name}" for m in known if (m.namespace, m.version) not in done]
        return await migrations.migrate(conn, service, migrations_dir)
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--database-url", help="default: the service's own setting (<SERVICE>_DATABASE_URL)")
    parser.add_argument("--status", action="store_true", help="list the pending migrations; apply nothing")
    args = parser.parse_args(argv)
    # The runtime logs each migration; that goes to stderr, the summary below is the output.
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))

    configured_url, migrations_dir = service_paths(args.service)
    names = asyncio.run(run(args.service, args.database_url or configured_url, migrations_dir, status=args.status))
    verb = "pending" if args.status else "applied"
    print(f"{args.service}: {len(names)} migration(s) {verb}" + "".join(f"\n  {n}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
