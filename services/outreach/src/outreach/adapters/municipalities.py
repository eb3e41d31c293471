"""Each municipality's own facts, from `templates/<code>/municipality.toml`: its name, how many
inhabitants it has, the days its team does not work beyond weekends and national holidays, and its
data protection officer (functionaris gegevensbescherming), whom every letter names (AVG art.
14(1)(b)). A key that is missing or of the wrong type stops the start-up, naming the file and key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

PROFILE_FILE = "municipality.toml"


class MunicipalityFileError(ValueError):
    """A municipality.toml that cannot be used: says which file, which key, and what is wrong."""


@dataclass(frozen=True)
class MunicipalityProfile:
    code: str  # the CBS code: the folder's name
    name: str
    inhabitants: int
    closed_days: frozenset[date]  # beyond weekends and national holidays
    dpo_name: str
    dpo_email: str
    dpo_phone: str | None  # at least one of phone and address
    dpo_address: str | None


def read_settings(path: Path) -> dict[str, Any]:
    """The parsed file; a file that is not TOML is named in the error."""
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise MunicipalityFileError(f"{path}: not valid TOML: {error}") from None


def _table(settings: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = settings.get(key)
    if not isinstance(value, dict):
        raise MunicipalityFileError(f"{path}: [{key}]: missing (a table)" if value is None
                                    else f"{path}: {key}: must be a table ([{key}]), not {value!r}")
    return value


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MunicipalityFileError(f"{where}{key}: missing" if value is None
                                    else f"{where}{key}: must be a non-empty string, not {value!r}")
    return value.strip()


def _optional_text(table: dict[str, Any], key: str, where: str) -> str | None:
    return None if table.get(key) is None else _text(table, key, where)


def profile_of(code: str, settings: dict[str, Any], path: Path) -> MunicipalityProfile:
    """Check the parsed `settings` of one municipality and return its profile."""
    where = f"{path}: "
    name = _text(settings, "name", where)
    inhabitants = settings.get("inhabitants")
    # bool is an int in Python; `inhabitants = true` is a mistake, not 1.
    if not isinstance(inhabitants, int) or isinstance(inhabitants, bool) or inhabitants <= 0:
        raise MunicipalityFileError(f"{where}inhabitants: missing" if inhabitants is None
                                    else f"{where}inhabitants: must be a whole number above 0, not {inhabitants!r}")
    closed = _table(settings, "calendar", path).get("closed_days")
    if not isinstance(closed, list):
        raise MunicipalityFileError(f"{where}calendar.closed_days: missing" if closed is None
                                    else f"{where}calendar.closed_days: must be a list of dates, not {closed!r}")
    for day in closed:
        # A TOML date (2026-12-24) arrives as a date; a date-time or a quoted string is a mistake.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise MunicipalityFileError(f"{where}calendar.closed_days: {day!r} is not a date (write 2026-12-24,"
                                        " without quotes)")
    privacy = _table(settings, "privacy", path)
    dpo_name = _text(privacy, "dpo_name", f"{where}privacy.")
    dpo_email = _text(privacy, "dpo_email", f"{where}privacy.")
    if "@" not in dpo_email:
        raise MunicipalityFileError(f"{where}privacy.dpo_email: must be an e-mail address, not {dpo_email!r}")
    dpo_phone = _optional_text(privacy, "dpo_phone", f"{where}privacy.")
    dpo_address = _optional_text(privacy, "dpo_address", f"{where}privacy.")
    if dpo_phone is None and dpo_address is None:
        raise MunicipalityFileError(f"{where}privacy.dpo_phone: missing (give dpo_phone, dpo_address or both)")
    return MunicipalityProfile(code=code, name=name, inhabitants=inhabitants, closed_days=frozenset(closed),
                               dpo_name=dpo_name, dpo_email=dpo_email, dpo_phone=dpo_phone, dpo_address=dpo_address)


def load_profile(folder: Path) -> MunicipalityProfile:
    path = folder / PROFILE_FILE
    return profile_of(folder.name, read_settings(path), path)


def load_profiles(templates_dir: Path) -> dict[str, MunicipalityProfile]:
    """A profile per municipality folder (one with a municipality.toml) in `templates_dir`, by code."""
    return {folder.name: load_profile(folder)
            for folder in sorted(templates_dir.iterdir()) if (folder / PROFILE_FILE).exists()}
