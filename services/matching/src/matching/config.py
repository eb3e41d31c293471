"""Matching's configuration (MATCHING_*): its database, HTTP port and the policy directory."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_DIR = Path(__file__).resolve().parents[2]


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    database_url: str = "postgresql://matching:vroeg-dev-matching@127.0.0.1:15432/matching"
    http_port: int = 8102
    policy_dir: Path = SERVICE_DIR / "policies"
