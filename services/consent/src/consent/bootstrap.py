"""Wires consent together: builds its dependencies and its runtime, and registers the entrypoints on them."""

from __future__ import annotations

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.pseudonyms import Pseudonymiser
from .adapters.staff_directory import StaffDirectory
from .config import SERVICE, SERVICE_DIR, ConsentSettings, load_retention_policy
from .entrypoints import http, kafka, loops
from .handlers.dependencies import ConsentDependencies


def build(settings: ConsentSettings | None = None,
          platform: PlatformSettings | None = None) -> tuple[ConsentDependencies, FastAPI]:
    """The service, ready to serve: its dependencies and its app (whose lifespan starts the runtime).
    A malformed staff file or retention policy stops it here, with a message naming the file."""
    settings = settings or ConsentSettings()
    platform = platform or PlatformSettings()
    logs.configure(SERVICE, json_logs=platform.json_logs, level=platform.log_level)
    runtime = ServiceRuntime(name=SERVICE, version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    deps = ConsentDependencies(settings, platform, StaffDirectory.load(settings.staff_file),
                               Pseudonymiser(platform.keys()), load_retention_policy(settings.retention_file))
    kafka.register(runtime, deps)
    loops.register(runtime, deps)
    app = create_http_app(runtime, title="Vroeg consent")
    http.register(app, runtime, deps)
    return deps, app
