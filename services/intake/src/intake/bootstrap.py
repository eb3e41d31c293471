"""Wires intake together: builds its dependencies (settings, the partner registry, keys) and its
runtime, and hands them to the entrypoints (the Kafka subscriptions, the retention and partner
loops, the HTTP API). Nothing else happens here."""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI

from vroeg_runtime import logs, migrations
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings
from vroeg_runtime.unit_of_work import unit_of_work

from . import __version__
from .adapters.partner_registry import PartnerRegistry
from .adapters.privacy import Privacy
from .config import SERVICE, SERVICE_DIR, IntakeSettings, load_partners
from .entrypoints import http, kafka, loops
from .handlers.dependencies import IntakeDependencies
from .handlers.partners import follow_default_registry, refresh


def dependencies(settings: IntakeSettings | None = None, platform: PlatformSettings | None = None) -> IntakeDependencies:
    """What the handlers need, from the environment unless given: for the service and its tools. The
    registry holds the partners file's partners until `load_registry` reads intake's database."""
    settings = settings or IntakeSettings()
    platform = platform or PlatformSettings()
    partners = load_partners(settings.partners_file, settings.municipalities)
    return IntakeDependencies(settings, platform, PartnerRegistry(partners.values()),
                              Privacy(platform.keys(), settings.outreach_key_id))


async def connect(settings: IntakeSettings) -> asyncpg.Connection:
    """A connection to intake's database, migrated: for intake's own command-line tools."""
    conn = await asyncpg.connect(settings.database_url)
    await migrations.migrate(conn, SERVICE, SERVICE_DIR / "migrations")
    return conn


async def load_registry(conn: asyncpg.Connection, deps: IntakeDependencies) -> None:
    """Bring the default registry (the partners file) into the partners table, and the table into
    `deps.partners`: at intake's start, before it takes anything, and in its tools (ADR 0016)."""
    settings = deps.settings
    from_file = load_partners(settings.partners_file, settings.municipalities)
    async with unit_of_work(conn) as uow:
        await follow_default_registry(uow, from_file.values(), file_name=settings.partners_file.name)
        await refresh(uow, deps.partners)


async def with_registry(deps: IntakeDependencies) -> IntakeDependencies:
    """`deps` with the partners of intake's database (a tool's, before it starts its work)."""
    conn = await connect(deps.settings)
    try:
        await load_registry(conn, deps)
    finally:
        await conn.close()
    return deps


def build(settings: IntakeSettings | None = None,
          platform: PlatformSettings | None = None) -> tuple[IntakeDependencies, FastAPI]:
    deps = dependencies(settings, platform)
    logs.configure(SERVICE, json_logs=deps.platform.json_logs, level=deps.platform.log_level)
    # The consumers look for new partner topics as often as the registry is re-read (ADR 0016).
    runtime = ServiceRuntime(name=SERVICE, version=__version__, database_url=deps.settings.database_url,
                             kafka_bootstrap=deps.platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations",
                             kafka_options={"metadata_max_age_ms": int(deps.settings.partners_refresh_seconds * 1000)})

    async def registry_loaded(pool: asyncpg.Pool) -> None:
        async with pool.acquire() as conn:
            await load_registry(conn, deps)

    runtime.once_migrated(registry_loaded)
    if deps.settings.kafka_ingress:  # off, intake takes HTTP and CSV only, and answers no erasure either
        kafka.register(runtime, deps)
    loops.register(runtime, deps)
    app = create_http_app(runtime, title="Vroeg intake")
    http.register(app, runtime, deps)
    return deps, app
