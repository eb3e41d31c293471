"""Wires consent together: settings, the runtime, the adapters that need configuration, and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.pseudonyms import Pseudonymiser
from .adapters.staff_directory import StaffDirectory
from .config import SERVICE_DIR, ConsentSettings, load_retention_policy
from .domain.retention import RetentionPolicy
from .entrypoints import background, http, kafka


@dataclass
class ConsentService:
    settings: ConsentSettings
    platform: PlatformSettings
    runtime: ServiceRuntime
    staff: StaffDirectory
    pseudonyms: Pseudonymiser
    retention: RetentionPolicy


def build(settings: ConsentSettings | None = None,
          platform: PlatformSettings | None = None) -> tuple[ConsentService, FastAPI]:
    settings = settings or ConsentSettings()
    platform = platform or PlatformSettings()
    logs.configure("consent", json_logs=platform.json_logs, level=platform.log_level)
    runtime = ServiceRuntime(name="consent", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    consent = ConsentService(settings, platform, runtime, StaffDirectory.load(settings.staff_file),
                             Pseudonymiser(platform), load_retention_policy(settings.retention_file))
    kafka.register(consent)
    background.register(consent)
    app = create_http_app(runtime, title="Vroeg consent")
    http.register(app, consent)
    return consent, app
