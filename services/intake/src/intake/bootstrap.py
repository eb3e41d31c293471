"""Wires intake together: settings, partners, keys, the runtime and the entrypoints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import asyncpg
from fastapi import FastAPI

from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_runtime import logs, migrations
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__, handlers
from .adapters.privacy import Privacy
from .config import SERVICE_DIR, IntakeSettings, Partner, load_partners
from .domain.validation import ValidationContext
from .adapters.repository import ReportRepository
from .handlers import Channel, ReportOutcome, Sent
from .incoming import IncomingReport


@dataclass
class Intake:
    """What every way in needs to take a report: the settings, the partners and the keys."""

    settings: IntakeSettings
    platform: PlatformSettings
    partners: dict[str, Partner]
    privacy: Privacy

    def validation_context(self) -> ValidationContext:
        return ValidationContext(self.partners, frozenset(self.settings.municipalities), today_in_amsterdam())

    async def take(self, conn: asyncpg.Connection, incoming: IncomingReport, *, sender: str, channel: Channel,
                   source: str) -> ReportOutcome:
        return await handlers.take_report(ReportRepository(conn), incoming, sender=sender, channel=channel,
                                          source=source, context=self.validation_context(), privacy=self.privacy)

    async def take_many(self, conn: asyncpg.Connection, batch: Sequence[Sent], *, channel: Channel,
                        within: Callable[[int], AbstractContextManager[object]] = lambda _: nullcontext()
                        ) -> list[ReportOutcome]:
        return await handlers.take_many(conn, batch, channel=channel, context=self.validation_context(),
                                        privacy=self.privacy, within=within)

    async def connect(self) -> asyncpg.Connection:
        """A connection to intake's database, migrated: for intake's own command-line tools."""
        conn = await asyncpg.connect(self.settings.database_url)
        await migrations.migrate(conn, "intake", SERVICE_DIR / "migrations")
        return conn


def load(settings: IntakeSettings | None = None, platform: PlatformSettings | None = None) -> Intake:
    settings = settings or IntakeSettings()
    platform = platform or PlatformSettings()
    return Intake(settings, platform, load_partners(settings.partners_file), Privacy(platform, settings.outreach_key_id))


def build(settings: IntakeSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Intake, FastAPI]:
    intake = load(settings, platform)
    logs.configure("intake", json_logs=intake.platform.json_logs, level=intake.platform.log_level)
    runtime = ServiceRuntime(name="intake", version=__version__, database_url=intake.settings.database_url,
                             kafka_bootstrap=intake.platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    from .entrypoints import http, kafka  # the entrypoints import Intake from here
    from .entrypoints.retention import retention_loop

    if intake.settings.kafka_ingress:
        kafka.register(intake, runtime)
    runtime.loops.append(retention_loop(intake))
    app = create_http_app(runtime, title="Vroeg intake")
    http.mount(app, intake, runtime)
    return intake, app
