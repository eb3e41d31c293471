"""Wires outreach together: settings, keys, letter writers, the mailbox, the runtime, the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.letters import LetterWriter
from .adapters.mail import FolderMailbox
from .config import SERVICE_DIR, OutreachSettings
from .domain.plan import ContactRules
from .handlers import Deps


@dataclass
class Outreach:
    settings: OutreachSettings
    platform: PlatformSettings
    runtime: ServiceRuntime
    deps: Deps


def build(settings: OutreachSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Outreach, FastAPI]:
    settings = settings or OutreachSettings()
    platform = platform or PlatformSettings()
    logs.configure("outreach", json_logs=platform.json_logs, level=platform.log_level)
    private_keys = platform.outreach_private_keys()
    if not private_keys:
        raise RuntimeError(f"no outreach private key (outreach-<key id>.key) in {platform.keys_dir}")
    writers = {d.name: LetterWriter(settings.templates_dir, d.name)
               for d in sorted(settings.templates_dir.iterdir()) if (d / "municipality.toml").exists()}
    deps = Deps(private_keys=private_keys,
                rules=ContactRules(settings.call_delay, settings.crisis_delay, settings.visits_enabled),
                writers=writers, mailbox=FolderMailbox(settings.letters_dir))
    runtime = ServiceRuntime(name="outreach", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    outreach = Outreach(settings, platform, runtime, deps)
    from .entrypoints import kafka, scheduler

    kafka.register(outreach)
    runtime.loops.append(scheduler.schedule_loop(outreach))
    return outreach, create_http_app(runtime, title="Vroeg outreach")
