"""Wires matching together: settings, policies, staff, the runtime and the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.policy_book import PolicyBook
from .adapters.staff_directory import load_staff
from .config import SERVICE, SERVICE_DIR, MatchingSettings
from .entrypoints import http, kafka, loops
from .handlers.dependencies import MatchingDependencies


@dataclass(frozen=True)
class Matching:
    """The built service: what `python -m matching` serves."""

    deps: MatchingDependencies
    platform: PlatformSettings
    runtime: ServiceRuntime


def dependencies(settings: MatchingSettings) -> MatchingDependencies:
    # A bad policy or staff file stops the start here, with the file and the field named.
    return MatchingDependencies(settings=settings, policies=PolicyBook.open(settings.policy_dir),
                                staff=load_staff(settings.staff_file))


def build(settings: MatchingSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Matching, FastAPI]:
    settings = settings or MatchingSettings()
    platform = platform or PlatformSettings()
    logs.configure(SERVICE, json_logs=platform.json_logs, level=platform.log_level)
    deps = dependencies(settings)
    runtime = ServiceRuntime(name=SERVICE, version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    kafka.register(runtime, deps)
    loops.register(runtime, deps)
    app = create_http_app(runtime, title="Vroeg matching")
    http.register(app, runtime, deps)
    return Matching(deps, platform, runtime), app
