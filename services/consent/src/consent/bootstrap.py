"""Wires consent together: settings, the runtime and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .config import SERVICE_DIR, ConsentSettings


@dataclass
class Consent:
    settings: ConsentSettings
    platform: PlatformSettings
    runtime: ServiceRuntime


def build(settings: ConsentSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Consent, FastAPI]:
    settings = settings or ConsentSettings()
    platform = platform or PlatformSettings()
    logs.configure("consent", json_logs=platform.json_logs, level=platform.log_level)
    runtime = ServiceRuntime(name="consent", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    consent = Consent(settings, platform, runtime)
    from .entrypoints import kafka

    kafka.register(consent)
    return consent, create_http_app(runtime, title="Vroeg consent")
