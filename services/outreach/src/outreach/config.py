"""Outreach's configuration (OUTREACH_*): database, contact delays, visits, letters, staff, retention,
the workplace's assets and sessions, and the CBS pull API's port, certificates and keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE = "outreach"  # the producer of its events, its runtime's name, and who closes a case by itself
SERVICE_DIR = Path(__file__).resolve().parents[2]


class OutreachSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OUTREACH_", extra="ignore")

    database_url: str = "postgresql://outreach:vroeg-dev-outreach@127.0.0.1:15432/outreach"
    http_port: int = 8103
    # Delays are ISO-8601 durations in the environment (P7D, PT5S), so tests can run a week in seconds.
    call_delay: timedelta = timedelta(days=7)
    crisis_delay: timedelta | None = None  # None: contact on the next working day
    retry_delay: timedelta = timedelta(days=1)  # after an unreached call or visit, try again
    max_unreached_attempts: int = Field(default=3, ge=1)
    # The default only: an admin call switches visits at run time and outreach's database remembers it.
    visits_enabled: bool = True
    templates_dir: Path = SERVICE_DIR / "templates"
    letters_dir: Path = Path(".vroeg/letters")
    referrals_dir: Path = Path(".vroeg/referrals")
    staff_file: Path = SERVICE_DIR / "config" / "staff.toml"
    schedule_poll_seconds: float = 0.5
    # Schedule loops side by side, each with a connection while it works. One by default: a case with
    # a letter and another step due at once can make two workers wait on each other, and PostgreSQL
    # then fails one step, which is postponed (the bench runs three).
    schedule_workers: int = Field(default=1, ge=1)
    # Data that led to no help is deleted this long after the case's last event (the design's rule).
    retention: timedelta = timedelta(days=180)
    retention_sweep_seconds: float = 3600.0
    ddas_supplier_code: str = "VROEG"  # codeGegevensleverancier in the DDAS delivery
    # The workplace (entrypoints/web): its front-end packages (npm ci in web/), and its sessions.
    web_assets_dir: Path = SERVICE_DIR / "web" / "node_modules"
    web_idle_timeout: timedelta = timedelta(minutes=30)
    web_session_limit: timedelta = timedelta(hours=12)
    web_lockout_after: int = Field(default=5, ge=1)  # wrong passwords in a row
    web_lockout_for: timedelta = timedelta(minutes=15)
    # Behind HTTPS (every installation but a developer's machine) the session cookie is Secure.
    web_secure_cookie: bool = False
    # The CBS pull API (entrypoints/cbs): DDAS-VS.yaml over mutual TLS on a port of its own. Its
    # certificates and keys are in `cbs_dir` under the names below (`python -m outreach cbs-dev-certs`
    # makes a development set); each path can be set on its own. Unset `cbs_dir` and no paths: off.
    cbs_enabled: bool | None = None  # None: on when every file below exists
    cbs_port: int = 8113
    cbs_dir: Path | None = None
    cbs_server_cert: Path | None = None  # TLS server certificate, then its issuing CAs
    cbs_server_key: Path | None = None
    cbs_client_ca: Path | None = None  # the CA(s) a TLS client certificate must come from
    cbs_trust_anchor: Path | None = None  # the CA(s) a request signer's x5c chain must lead to
    cbs_signing_cert: Path | None = None  # the supplier's signing certificate, then its issuing CAs
    cbs_signing_key: Path | None = None
    cbs_token_issuer_key: Path | None = None  # the public key of the access tokens' issuer
    cbs_token_issuer: str = "vroeg-development-token-issuer"
    # The FSC service name (docs/operations.md) is the tokens' audience; default from the supplier code.
    cbs_service_name: str | None = None
    cbs_replay_window: timedelta = timedelta(days=1)  # a signature seen again within it is a replay
    cbs_page_size: int = Field(default=25_000, ge=1)  # records per page when the request names none


@dataclass(frozen=True)
class CbsFiles:
    """Where the CBS pull API's certificates and keys are (see OutreachSettings.cbs_*)."""

    server_cert: Path
    server_key: Path
    client_ca: Path
    trust_anchor: Path
    signing_cert: Path
    signing_key: Path
    token_issuer_key: Path

    def missing(self) -> list[Path]:
        return [path for path in vars(self).values() if not path.exists()]


# The file names in `cbs_dir`, as adapters/dev_certificates.py writes them.
CBS_FILE_NAMES = {"server_cert": "server.pem", "server_key": "server.key", "client_ca": "ca.pem",
                  "trust_anchor": "ca.pem", "signing_cert": "supplier-signing.pem",
                  "signing_key": "supplier-signing.key", "token_issuer_key": "token-issuer.pub.pem"}


def cbs_files(settings: OutreachSettings) -> CbsFiles | None:
    """The CBS API's files, or None when neither `cbs_dir` nor every path is set."""
    found = {}
    for what, name in CBS_FILE_NAMES.items():
        path = getattr(settings, f"cbs_{what}") or (settings.cbs_dir / name if settings.cbs_dir else None)
        if path is None:
            return None
        found[what] = path
    return CbsFiles(**found)


def cbs_service_name(settings: OutreachSettings) -> str:
    """The FSC service name, after transport.md's convention DDAS-vroegsignalering-ophaal-<supplier>."""
    return settings.cbs_service_name or f"DDAS-vroegsignalering-ophaal-{settings.ddas_supplier_code}"
