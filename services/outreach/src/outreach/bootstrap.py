"""Wires outreach together: builds its dependencies (settings, keys, contact rules, letter writers,
the mailbox and referral channel, the staff directory) and its runtime, and registers the
entrypoints: the Kafka subscriptions, the background loops and the HTTP API; and, when its
certificates are configured, the CBS pull API (an app of its own, for its own port)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app
from vroeg_runtime.settings import PlatformSettings

from . import __version__
from .adapters.access_tokens import TokenCheck
from .adapters.jades import Signer
from .adapters.letters import LetterWriter, load_writers
from .adapters.mail import FolderMailbox
from .adapters.municipalities import load_profiles
from .adapters.passwords import Passwords
from .adapters.referrals import FolderReferrals
from .adapters.staff_directory import StaffDirectory
from .adapters.trust import TrustAnchor, load_certificates, load_private_key, load_public_key
from .config import SERVICE, SERVICE_DIR, CbsFiles, OutreachSettings, cbs_files, cbs_service_name
from .domain.accounts import SignInPolicy
from .domain.plan import ContactRules
from .entrypoints import cbs, http, kafka, loops, web
from .handlers.cbs_pull import CbsPullDependencies
from .handlers.dependencies import OutreachDependencies


@dataclass
class Outreach:
    settings: OutreachSettings
    platform: PlatformSettings
    runtime: ServiceRuntime
    deps: OutreachDependencies


def letter_writers(settings: OutreachSettings) -> dict[str, LetterWriter]:
    """A letter writer per municipality in the templates folder (the DDAS delivery names each
    municipality's organisation from the same files)."""
    return load_writers(settings.templates_dir, settings.retention)


def build_dependencies(settings: OutreachSettings, platform: PlatformSettings) -> OutreachDependencies:
    private_keys = platform.keys().outreach_private_keys()
    if not private_keys:
        raise RuntimeError(f"no outreach private key (outreach-<key id>.key) in {platform.keys_dir}")
    rules = ContactRules(settings.call_delay, settings.crisis_delay, settings.visits_enabled, settings.retry_delay)
    # Each municipality's team keeps its own calendar, and its size makes the figures per 1,000.
    profiles = load_profiles(settings.templates_dir)
    return OutreachDependencies(settings=settings, private_keys=private_keys, rules=rules,
                                closed_days={code: p.closed_days for code, p in profiles.items()},
                                inhabitants={code: p.inhabitants for code, p in profiles.items()},
                                writers=letter_writers(settings), mailbox=FolderMailbox(settings.letters_dir),
                                referrals=FolderReferrals(settings.referrals_dir),
                                staff=StaffDirectory.load(settings.staff_file), passwords=Passwords(),
                                sign_in_policy=SignInPolicy(settings.web_idle_timeout, settings.web_session_limit,
                                                            settings.web_lockout_after, settings.web_lockout_for),
                                max_unreached_attempts=settings.max_unreached_attempts)


def build_parts(settings: OutreachSettings | None = None, platform: PlatformSettings | None = None) -> Outreach:
    """The dependencies and the runtime, without subscriptions, loops or routes: enough for tests
    that drive the use cases or the API themselves."""
    settings = settings or OutreachSettings()
    platform = platform or PlatformSettings()
    deps = build_dependencies(settings, platform)
    runtime = ServiceRuntime(name=SERVICE, version=__version__, database_url=settings.database_url,
                             kafka_bootstrap=platform.kafka_bootstrap, migrations_dir=SERVICE_DIR / "migrations")
    return Outreach(settings, platform, runtime, deps)


def build(settings: OutreachSettings | None = None, platform: PlatformSettings | None = None) -> tuple[Outreach, FastAPI]:
    platform = platform or PlatformSettings()
    logs.configure(SERVICE, json_logs=platform.json_logs, level=platform.log_level)
    outreach = build_parts(settings, platform)
    runtime, deps = outreach.runtime, outreach.deps
    kafka.register(runtime, deps)
    loops.register(runtime, deps)
    app = create_http_app(runtime, title="Vroeg outreach")
    http.register(app, runtime, deps)
    web.register(app, runtime, deps)
    return outreach, app


def cbs_dependencies(settings: OutreachSettings, files: CbsFiles,
                     writers: dict[str, LetterWriter]) -> CbsPullDependencies:
    chain = tuple(load_certificates(files.signing_cert))
    return CbsPullDependencies(
        tokens=TokenCheck(load_public_key(files.token_issuer_key), settings.cbs_token_issuer, cbs_service_name(settings)),
        trust=TrustAnchor.load(files.trust_anchor),
        signer=Signer(load_private_key(files.signing_key), chain, kid=f"{settings.ddas_supplier_code}-{chain[0].serial_number:x}"),
        replay_window=settings.cbs_replay_window, page_size=settings.cbs_page_size,
        supplier_code=settings.ddas_supplier_code, writers=writers)


def build_cbs(outreach: Outreach) -> tuple[FastAPI, CbsFiles] | None:
    """The CBS pull API's app and files, or None when it is off: OUTREACH_CBS_ENABLED false, or
    unset and its files not all there. Switched on explicitly, a missing file stops the start."""
    settings = outreach.settings
    files = cbs_files(settings)
    if settings.cbs_enabled is False:
        return None
    if files is None or files.missing():
        if settings.cbs_enabled:
            raise RuntimeError(f"the CBS API is on but its files are not all there: "
                               f"{'set OUTREACH_CBS_DIR' if files is None else files.missing()}")
        return None
    return cbs.create_app(outreach.runtime, cbs_dependencies(settings, files, outreach.deps.writers)), files
