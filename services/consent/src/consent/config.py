"""Consent's configuration (CONSENT_*), validated at start-up: database, HTTP port, the staff file,
the retention policy and which services must answer an erasure request."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.erasure import SERVICES
from .domain.retention import RetentionError, RetentionPolicy

SERVICE = "consent"  # its name: producer of its events, actor in its audit entries, its runtime's name
SERVICE_DIR = Path(__file__).resolve().parents[2]


class ConsentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSENT_", extra="ignore")

    database_url: str = "postgresql://consent:vroeg-dev-consent@127.0.0.1:15432/consent"
    http_port: int = 8104
    staff_file: Path = SERVICE_DIR / "config" / "staff.toml"
    retention_file: Path = SERVICE_DIR / "config" / "retention.toml"
    retention_sweep_interval: timedelta = timedelta(hours=1)  # ISO-8601 in the environment, e.g. PT1H
    # JSON in the environment, e.g. CONSENT_ERASURE_SERVICES='["intake","matching","outreach","consent"]'
    erasure_services: tuple[str, ...] = Field(default=SERVICES, min_length=1)

    @field_validator("retention_sweep_interval")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value


def load_retention_policy(path: Path) -> RetentionPolicy:
    """The policy in `path` (a `[keep]` table: data class = ISO-8601 period); a clear error naming the file."""
    try:
        data = tomllib.loads(path.read_text())
        return RetentionPolicy.from_config(data.get("keep", {}))
    except (OSError, tomllib.TOMLDecodeError, RetentionError) as error:
        raise RetentionError(f"{path}: {error}") from None
