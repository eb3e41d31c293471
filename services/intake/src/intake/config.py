"""Intake's configuration: the platform settings plus its database, partners and municipalities."""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from vroeg_contracts.partner_report import Category

SERVICE_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    categories: frozenset[Category]
    token_sha256: str

    def token_matches(self, token: str) -> bool:
        digest = hashlib.sha256(token.encode()).hexdigest()
        return hmac.compare_digest(digest, self.token_sha256)


class IntakeSettings(BaseSettings):
    """Intake's own settings (INTAKE_*); the shared ones are in vroeg_runtime.settings.PlatformSettings."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    database_url: str = "postgresql://intake:vroeg-dev-intake@127.0.0.1:15432/intake"
    http_port: int = 8101
    partners_file: Path = SERVICE_DIR / "config" / "partners.toml"
    municipalities: list[str] = Field(default_factory=lambda: ["0437"])
    outreach_key_id: str = "dev-1"


def load_partners(path: Path) -> dict[str, Partner]:
    data = tomllib.loads(path.read_text())
    partners = {}
    for entry in data.get("partner", []):
        partners[entry["id"]] = Partner(
            id=entry["id"],
            name=entry["name"],
            categories=frozenset(Category(c) for c in entry["categories"]),
            token_sha256=entry["token_sha256"].lower(),
        )
    if not partners:
        raise ValueError(f"no partners configured in {path}")
    return partners
