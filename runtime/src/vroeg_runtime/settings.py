"""Settings every service shares, read from the environment and validated at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vroeg_contracts.keys import KeyFolder


class PlatformSettings(BaseSettings):
    """Where the broker and the keys are. Service settings extend this with their own fields."""

    model_config = SettingsConfigDict(env_prefix="VROEG_", extra="ignore")

    kafka_bootstrap: str = "127.0.0.1:19092"
    keys_dir: Path = Field(default=Path(".vroeg/keys"))
    json_logs: bool = True
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"

    def keys(self) -> KeyFolder:
        """The pseudonym secrets and sealing keys in `keys_dir`."""
        return KeyFolder(self.keys_dir)

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
