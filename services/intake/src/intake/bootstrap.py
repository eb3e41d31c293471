"""Wires intake together: builds its dependencies (settings, partners and their tokens, keys) and
its runtime, and hands them to the entrypoints (the Kafka subscriptions, the retention loop, the
HTTP API). Nothing else happens here."""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI

from vroeg_runtime import logs, migrations
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.privacy import Privacy
from .config import SERVICE, SERVICE_DIR, IntakeSettings, load_partners, partner_tokens
from .entrypoints import http, kafka, loops
from .handlers.dependencies import IntakeDependencies


def dependencies(settings: IntakeSettings | None = None, platform: PlatformSettings | None = None) -> IntakeDependencies:
    """What the handlers need, from the environment unless given: for the service and its tools."""
    settings = settings or IntakeSettings()
    platform = platform or PlatformSettings()
    partners = load_partners(settings.partners_file, settings.municipalities)
    return IntakeDependencies(settings, platform, partners, partner_tokens(partners),
                              Privacy(platform.keys(), settings.outreach_key_id))


async def connect(settings: IntakeSettings) -> asyncpg.Connection:
    """A connection to intake's database, migrated: for intake's own command-line tools."""
    conn = await asyncpg.connect(settings.database_url)
    await migrations.migrate(conn, SERVICE, SERVICE_DIR / "migrations")
    return conn


def build(settings: IntakeSettings | None = None,
          platform: PlatformSettings | None = None) -> tuple[IntakeDependencies, FastAPI]:
    deps = dependencies(settings, platform)
    logs.configure(SERVICE, json_logs=deps.platform.json_logs, level=deps.platform.log_level)
    runtime = ServiceRuntime(name=SERVICE, version=__version__, database_url=deps.settings.database_url,
                             kafka_bootstrap=deps.platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    if deps.settings.kafka_ingress:  # off, intake takes HTTP and CSV only, and answers no erasure either
        kafka.register(runtime, deps)
    loops.register(runtime, deps)
    app = create_http_app(runtime, title="Vroeg intake")
    http.register(app, runtime, deps)
    return deps, app
