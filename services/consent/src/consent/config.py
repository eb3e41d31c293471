"""Consent's configuration (CONSENT_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_DIR = Path(__file__).resolve().parents[2]


class ConsentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSENT_", extra="ignore")

    database_url: str = "postgresql://consent:vroeg-dev-consent@127.0.0.1:15432/consent"
    http_port: int = 8104
