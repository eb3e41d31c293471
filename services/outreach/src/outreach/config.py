"""Outreach's configuration (OUTREACH_*): database, contact delays, visits, letters, staff, retention,
and the workplace's assets and sessions."""

from __future__ import annotations

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
