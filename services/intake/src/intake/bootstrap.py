"""Wires intake together: settings, partners, keys, the runtime and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.privacy import Privacy
from .config import SERVICE_DIR, IntakeSettings, Partner, load_partners
from .domain.validation import ValidationContext


@dataclass
class Intake:
    settings: IntakeSettings
    platform: PlatformSettings
    partners: dict[str, Partner]
    runtime: ServiceRuntime
    privacy: Privacy

    def validation_context(self) -> ValidationContext:
        return ValidationContext(self.partners, frozenset(self.settings.municipalities), today_in_amsterdam())


def build(settings: IntakeSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Intake, FastAPI]:
    settings = settings or IntakeSettings()
    platform = platform or PlatformSettings()
    logs.configure("intake", json_logs=platform.json_logs, level=platform.log_level)
    runtime = ServiceRuntime(name="intake", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    intake = Intake(settings, platform, load_partners(settings.partners_file), runtime,
                    Privacy(platform, settings.outreach_key_id))
    from .entrypoints import kafka  # the entrypoints import Intake from here

    kafka.register(intake)
    return intake, create_http_app(runtime, title="Vroeg intake")
