"""Wires matching together: settings, policies, the runtime and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .config import SERVICE_DIR, MatchingSettings
from .domain.policy import Policy, load_policies


@dataclass
class Matching:
    settings: MatchingSettings
    platform: PlatformSettings
    policies: dict[str, Policy]
    runtime: ServiceRuntime


def build(settings: MatchingSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Matching, FastAPI]:
    settings = settings or MatchingSettings()
    platform = platform or PlatformSettings()
    logs.configure("matching", json_logs=platform.json_logs, level=platform.log_level)
    policies = load_policies(settings.policy_dir)  # a bad policy stops the start here, with the field named
    runtime = ServiceRuntime(name="matching", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    matching = Matching(settings, platform, policies, runtime)
    from .entrypoints import kafka

    kafka.register(matching)
    return matching, create_http_app(runtime, title="Vroeg matching")
