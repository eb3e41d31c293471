"""Intake's configuration: the platform settings plus its database, partners and municipalities."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.partners import Partner, PartnerEntryError, checked_partner

SERVICE = "intake"
SERVICE_DIR = Path(__file__).resolve().parents[2]


class IntakeSettings(BaseSettings):
    """Intake's own settings (INTAKE_*); the shared ones are in vroeg_runtime.settings.PlatformSettings."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    database_url: str = "postgresql://intake:vroeg-dev-intake@127.0.0.1:15432/intake"
    http_port: int = 8101
    partners_file: Path = SERVICE_DIR / "config" / "partners.toml"
    # The CBS codes of the municipalities this installation serves: Ouder-Amstel and Amstelveen.
    municipalities: list[str] = Field(default_factory=lambda: ["0437", "0362"])
    outreach_key_id: str = "dev-1"
    retention_days: int = Field(default=183, ge=1)  # data that led to no help: 6 months after the last change
    retention_sweep_seconds: float = Field(default=3600, gt=0)
    # Off, intake takes reports over HTTP and CSV only (its partner-topic subscriber is not started).
    kafka_ingress: bool = True
    # How often intake re-reads its partners table (and so how soon a partner added or disabled with
    # `python -m intake partners` counts); also how often its consumers look for new partner topics.
    partners_refresh_seconds: float = Field(default=2.0, gt=0)
    # A larger delivery belongs in a CSV file imported with `python -m intake import-csv`.
    http_max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    http_max_reports: int = Field(default=10_000, ge=1)  # per request: each one is a transaction
    # Per partner, in this process (entrypoints/http/partner_limits.py): reports over HTTP, a sustained
    # rate and a burst (at least http_max_reports, so that every allowed request can pass), and calls
    # of the partner API (any endpoint), so that refused attempts are bounded too. Over either: 429.
    partner_reports_per_minute: int = Field(default=6_000, ge=1)
    partner_burst: int = Field(default=20_000, ge=1)
    partner_requests_per_minute: int = Field(default=300, ge=1)
    partner_request_burst: int = Field(default=60, ge=1)


ENTRY_FIELDS = ("id", "name", "categories", "municipalities", "token_sha256")


class PartnersFileError(ValueError):
    """The partners file is wrong; the message names the entry and the field."""


def load_partners(path: Path, municipalities: Iterable[str]) -> dict[str, Partner]:
    """The partners in the file, each registered for some of the installation's `municipalities`
    (the rules of an entry are the registry's, `domain.partners.checked_partner`)."""
    served = frozenset(municipalities)
    data = tomllib.loads(path.read_text())
    partners: dict[str, Partner] = {}
    for index, entry in enumerate(data.get("partner", [])):
        where = f"{path.name}: partner[{index}]"
        missing = [name for name in ENTRY_FIELDS if name not in entry]
        if missing:
            raise PartnersFileError(f"{where}: missing {', '.join(missing)}")
        try:
            partner = checked_partner(**{name: entry[name] for name in ENTRY_FIELDS}, served=served)
        except PartnerEntryError as error:
            raise PartnersFileError(f"{where}.{error.field}: {error.reason}") from None
        if partner.id in partners:
            raise PartnersFileError(f"{where}.id: {partner.id!r} appears twice")
        partners[partner.id] = partner
    if not partners:
        raise PartnersFileError(f"no partners configured in {path}")
    return partners
