"""Intake's configuration: the platform settings plus its database, partners and municipalities."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from vroeg_contracts.partner_report import Category
from vroeg_runtime.staff_auth import TokenDirectory

from .domain.partners import Partner

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
    # A larger delivery belongs in a CSV file imported with `python -m intake import-csv`.
    http_max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    http_max_reports: int = Field(default=10_000, ge=1)  # per request: each one is a transaction


class PartnersFileError(ValueError):
    """The partners file is wrong; the message names the entry and the field."""


def load_partners(path: Path, municipalities: Iterable[str]) -> dict[str, Partner]:
    """The partners in the file, each registered for some of the installation's `municipalities`."""
    served = frozenset(municipalities)
    data = tomllib.loads(path.read_text())
    partners: dict[str, Partner] = {}
    for index, entry in enumerate(data.get("partner", [])):
        where = f"{path.name}: partner[{index}]"
        missing = [name for name in ("id", "name", "categories", "municipalities", "token_sha256") if name not in entry]
        if missing:
            raise PartnersFileError(f"{where}: missing {', '.join(missing)}")
        unknown = sorted(set(entry["categories"]) - {c.value for c in Category})
        if unknown:
            raise PartnersFileError(f"{where}.categories: unknown category {', '.join(unknown)}")
        token_sha256 = entry["token_sha256"].lower()
        if not re.fullmatch(r"[0-9a-f]{64}", token_sha256):
            raise PartnersFileError(f"{where}.token_sha256: must be the 64 hex digits of a SHA-256")
        if entry["id"] in partners:
            raise PartnersFileError(f"{where}.id: {entry['id']!r} appears twice")
        partners[entry["id"]] = Partner(id=entry["id"], name=entry["name"], token_sha256=token_sha256,
                                        categories=frozenset(Category(c) for c in entry["categories"]),
                                        municipalities=_registered_municipalities(entry, served, where))
    if not partners:
        raise PartnersFileError(f"no partners configured in {path}")
    return partners


def _registered_municipalities(entry: dict[str, Any], served: frozenset[str], where: str) -> frozenset[str]:
    """The entry's `municipalities`: CBS codes, each of a municipality this installation serves (a
    partner registered for any other could never have a report accepted)."""
    codes = entry["municipalities"]
    if not isinstance(codes, list) or not codes:
        raise PartnersFileError(f"{where}.municipalities: must be a list of one or more CBS codes")
    malformed = [repr(code) for code in codes if not (isinstance(code, str) and re.fullmatch(r"\d{4}", code))]
    if malformed:
        raise PartnersFileError(f"{where}.municipalities: not a CBS code of 4 digits: {', '.join(malformed)}")
    unknown = sorted(set(codes) - served)
    if unknown:
        raise PartnersFileError(f"{where}.municipalities: municipality {', '.join(unknown)} is not served by this"
                                f" installation (it serves {', '.join(sorted(served))})")
    return frozenset(codes)


def partner_tokens(partners: dict[str, Partner]) -> TokenDirectory[Partner]:
    """The partners by the SHA-256 of their bearer token: a token finds its own partner, in constant
    time whichever partner (if any) came close (the staff tokens' mechanism, `vroeg_runtime.staff_auth`)."""
    return TokenDirectory({partner.token_sha256: partner for partner in partners.values()})
