"""Wires outreach together: settings, keys, staff, letter writers, the mailbox and referral channel,
the runtime, the subscribers, the background loops and the HTTP API."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.letters import load_writers
from .adapters.mail import FolderMailbox
from .adapters.referrals import FolderReferrals
from .adapters.staff import StaffDirectory
from .config import SERVICE_DIR, OutreachSettings
from .domain.plan import ContactRules
from .handlers import Deps


@dataclass
class Outreach:
    settings: OutreachSettings
    platform: PlatformSettings
    runtime: ServiceRuntime
    deps: Deps
    staff: StaffDirectory


def build_parts(settings: OutreachSettings | None = None, platform: PlatformSettings | None = None) -> Outreach:
    """Everything but the subscribers, loops and routes: enough for tools and tests that drive the use
    cases or the API themselves."""
    settings = settings or OutreachSettings()
    platform = platform or PlatformSettings()
    private_keys = platform.outreach_private_keys()
    if not private_keys:
        raise RuntimeError(f"no outreach private key (outreach-<key id>.key) in {platform.keys_dir}")
    rules = ContactRules(settings.call_delay, settings.crisis_delay, settings.visits_enabled, settings.retry_delay)
    deps = Deps(private_keys=private_keys, rules=rules, writers=load_writers(settings.templates_dir, settings.retention),
                mailbox=FolderMailbox(settings.letters_dir), referrals=FolderReferrals(settings.referrals_dir),
                max_unreached_attempts=settings.max_unreached_attempts)
    runtime = ServiceRuntime(name="outreach", version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    return Outreach(settings, platform, runtime, deps, StaffDirectory.load(settings.staff_file))


def mount_api(outreach: Outreach, app: FastAPI) -> FastAPI:
    from .entrypoints import admin_api, reporting_api, team_api

    for module in (team_api, admin_api, reporting_api):
        app.include_router(module.router(outreach))
    return app


def build(settings: OutreachSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Outreach, FastAPI]:
    platform = platform or PlatformSettings()
    logs.configure("outreach", json_logs=platform.json_logs, level=platform.log_level)
    outreach = build_parts(settings, platform)
    from .entrypoints import kafka, scheduler

    kafka.register(outreach)
    outreach.runtime.loops += [scheduler.schedule_loop(outreach), scheduler.retention_loop(outreach)]
    return outreach, mount_api(outreach, create_http_app(outreach.runtime, title="Vroeg outreach"))
