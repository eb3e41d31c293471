"""Matching's configuration (MATCHING_*): database, HTTP port, policies (and their reload), staff
and retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .domain.durations import IsoPeriod, Period

SERVICE = "matching"
SERVICE_DIR = Path(__file__).resolve().parents[2]


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    database_url: str = "postgresql://matching:vroeg-dev-matching@127.0.0.1:15432/matching"
    http_port: int = 8102
    policy_dir: Path = SERVICE_DIR / "policies"
    staff_file: Path = SERVICE_DIR / "config" / "staff.toml"
    # How often the policy files are read again: a changed file takes effect this long after at most.
    policy_reload_seconds: float = Field(default=3.0, gt=0)
    # The design's retention rule: a household with no open signal is deleted this long after its
    # last event. An ISO-8601 duration (P6M; PT5S in tests). NoDecode: it is text, not JSON.
    retention: Annotated[IsoPeriod, NoDecode] = Period(months=6)
    retention_sweep_interval: timedelta = timedelta(hours=1)
