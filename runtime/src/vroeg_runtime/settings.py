"""Settings every service shares, read from the environment and validated at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class KeyConfigurationError(RuntimeError):
    """A key is missing or malformed: the service must not start (it would pseudonymise or seal wrongly)."""


class MissingKey(KeyConfigurationError, LookupError):
    """No key file at all (for example: a municipality this installation does not serve)."""


def read_key(path: Path, what: str) -> bytes:
    """A 32-byte key stored as 64 hex digits, or a clear reason why not."""
    if not path.exists():
        raise MissingKey(f"{what}: {path} does not exist")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise KeyConfigurationError(f"{what}: {path} is not hexadecimal") from None
    if len(key) != 32:
        raise KeyConfigurationError(f"{what}: {path} holds {len(key)} bytes, expected 32 (64 hex digits)")
    return key


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
        return read_key(self.keys_dir / f"municipality-{municipality_code}.secret",
                        f"pseudonym secret of municipality {municipality_code}")

    def outreach_public_key(self, key_id: str) -> bytes:
        return read_key(self.keys_dir / f"outreach-{key_id}.pub", f"outreach's public sealing key {key_id!r}")

    def outreach_private_keys(self) -> dict[str, bytes]:
        """Every outreach private key present, by key id, so sealed data under older keys still opens."""
        return {
            path.name.removeprefix("outreach-").removesuffix(".key"): read_key(path, "outreach's private sealing key")
            for path in sorted(self.keys_dir.glob("outreach-*.key"))
        }

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
