"""Wires matching together: settings, policies, staff, the runtime and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .config import SERVICE_DIR, MatchingSettings
from .domain.policy import Policy, load_policies
from .staff import Staff, load_staff


@dataclass
class Matching:
    settings: MatchingSettings
    platform: PlatformSettings
    policies: dict[str, Policy]
    staff: Staff
    runtime: ServiceRuntime


def build(settings: MatchingSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Matching, FastAPI]:
    settings = settings or MatchingSettings()
    platform = platform or PlatformSettings()
    logs.configure("matching", json_logs=platform.json_logs, level=platform.log_level)
    # A bad policy or staff file stops the start here, with the file and the field named.
    policies = load_policies(settings.policy_dir)
    staff = load_staff(settings.staff_file)
    runtime = ServiceRuntime(name="matching", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    matching = Matching(settings, platform, policies, staff, runtime)
    from .entrypoints import http, kafka, retention

    kafka.register(matching)
    runtime.loops.append(retention.retention_loop(matching))
    app = create_http_app(runtime, title="Vroeg matching")
    http.register(app, matching)
    return matching, app
