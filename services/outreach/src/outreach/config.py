"""Outreach's configuration (OUTREACH_*): database, contact delays, visits, letters."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_DIR = Path(__file__).resolve().parents[2]


class OutreachSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OUTREACH_", extra="ignore")

    database_url: str = "postgresql://outreach:vroeg-dev-outreach@127.0.0.1:15432/outreach"
    http_port: int = 8103
    call_delay: timedelta = timedelta(days=7)  # ISO-8601 in the environment, e.g. P7D or PT5S
    crisis_delay: timedelta | None = None  # None: contact on the next working day
    visits_enabled: bool = True
    templates_dir: Path = SERVICE_DIR / "templates"
    letters_dir: Path = Path(".vroeg/letters")
    schedule_poll_seconds: float = 0.5
