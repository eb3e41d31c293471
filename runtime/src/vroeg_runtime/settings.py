"""Settings every service shares, read from the environment and validated at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """Where the broker and the keys are. Service settings extend this with their own fields."""

    model_config = SettingsConfigDict(env_prefix="VROEG_", extra="ignore")

    kafka_bootstrap: str = "127.0.0.1:19092"
    keys_dir: Path = Field(default=Path(".vroeg/keys"))
    json_logs: bool = True
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"

    def municipality_secret(self, municipality_code: str) -> bytes:
        """The per-municipality pseudonym secret (HMAC key), from `<keys_dir>/municipality-<code>.secret`."""
        path = self.keys_dir / f"municipality-{municipality_code}.secret"
        if not path.exists():
            raise LookupError(f"no pseudonym secret for municipality {municipality_code} in {self.keys_dir}")
        return bytes.fromhex(path.read_text().strip())

    def outreach_public_key(self, key_id: str) -> bytes:
        return bytes.fromhex((self.keys_dir / f"outreach-{key_id}.pub").read_text().strip())

    def outreach_private_keys(self) -> dict[str, bytes]:
        """Every outreach private key present, by key id, so sealed data under older keys still opens."""
        return {
            path.name.removeprefix("outreach-").removesuffix(".key"): bytes.fromhex(path.read_text().strip())
            for path in sorted(self.keys_dir.glob("outreach-*.key"))
        }

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
