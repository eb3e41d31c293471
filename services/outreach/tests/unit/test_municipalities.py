"""Each municipality's facts from its municipality.toml: the typed profile, and a clear refusal
(file and key named) of a file that lacks a key or gives it the wrong type."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from outreach.adapters.letters import LetterWriter
from outreach.adapters.municipalities import MunicipalityFileError, load_profile, load_profiles
from outreach.config import OutreachSettings

TEMPLATES = OutreachSettings().templates_dir
VALID = """
name = "Gemeente Proefdorp"
inhabitants = 12_345

[calendar]
closed_days = [2026-12-24]

[privacy]
dpo_name = "de functionaris gegevensbescherming van Proefdorp"
dpo_email = "fg@proefdorp.example"
dpo_phone = "0123 456 789"
"""


def folder_with(tmp_path: Path, text: str, code: str = "9999") -> Path:
    folder = tmp_path / code
    folder.mkdir()
    (folder / "municipality.toml").write_text(text)
    return folder


def test_both_municipalities_load_with_their_own_facts():
    profiles = load_profiles(TEMPLATES)
    assert set(profiles) >= {"0437", "0362"}
    ouder_amstel, amstelveen = profiles["0437"], profiles["0362"]
    assert (ouder_amstel.name, ouder_amstel.inhabitants, ouder_amstel.closed_days) == (
        "Gemeente Ouder-Amstel", 14_000, frozenset())
    assert (amstelveen.name, amstelveen.inhabitants, amstelveen.closed_days) == (
        "Gemeente Amstelveen", 93_000, frozenset({date(2026, 12, 24), date(2026, 12, 31)}))
    assert amstelveen.dpo_email == "privacy@amstelveen.nl" and ouder_amstel.dpo_email != amstelveen.dpo_email
    assert all(p.dpo_phone or p.dpo_address for p in profiles.values())


def test_a_valid_file_gives_typed_values(tmp_path):
    profile = load_profile(folder_with(tmp_path, VALID))
    assert profile.code == "9999" and profile.inhabitants == 12_345
    assert profile.closed_days == frozenset({date(2026, 12, 24)}) and profile.dpo_address is None
    assert profile.dpo_phone == "0123 456 789"


@pytest.mark.parametrize(("change", "key"), [
    (lambda t: t.replace('dpo_email = "fg@proefdorp.example"\n', ""), "privacy.dpo_email: missing"),
    (lambda t: t.replace('dpo_name = "de functionaris gegevensbescherming van Proefdorp"\n', ""),
     "privacy.dpo_name: missing"),
    (lambda t: t.split("[privacy]")[0], "[privacy]: missing"),
    (lambda t: t.replace('dpo_phone = "0123 456 789"\n', ""), "privacy.dpo_phone: missing"),
    (lambda t: t.replace('"fg@proefdorp.example"', '"fg.proefdorp.example"'), "privacy.dpo_email: must be an e-mail"),
    (lambda t: t.replace("inhabitants = 12_345\n", ""), "inhabitants: missing"),
    (lambda t: t.replace("12_345", '"12345"'), "inhabitants: must be a whole number"),
    (lambda t: t.replace("12_345", "true"), "inhabitants: must be a whole number"),
    (lambda t: t.replace("12_345", "0"), "inhabitants: must be a whole number"),
    (lambda t: t.replace("[calendar]\nclosed_days = [2026-12-24]\n", ""), "[calendar]: missing"),
    (lambda t: t.replace("closed_days = [2026-12-24]", "closed = [2026-12-24]"), "calendar.closed_days: missing"),
    (lambda t: t.replace("[2026-12-24]", '["2026-12-24"]'), "calendar.closed_days: '2026-12-24' is not a date"),
    (lambda t: t.replace("[2026-12-24]", "[2026-12-24T09:00:00]"), "is not a date"),
    (lambda t: t.replace("[2026-12-24]", "2026-12-24"), "calendar.closed_days: must be a list"),
    (lambda t: t + "\n[[[", "not valid TOML"),
])
def test_a_missing_or_mistyped_key_is_named_with_its_file(tmp_path, change, key):
    folder = folder_with(tmp_path, change(VALID))
    with pytest.raises(MunicipalityFileError) as raised:
        load_profile(folder)
    message = str(raised.value)
    assert str(folder / "municipality.toml") in message and key in message, message


def test_the_letter_writer_refuses_a_municipality_without_its_data_protection_officer(tmp_path):
    shutil.copytree(TEMPLATES / "0437", tmp_path / "0437")
    toml = tmp_path / "0437" / "municipality.toml"
    toml.write_text(toml.read_text().replace('dpo_email = "privacy@ouder-amstel.nl"\n', ""))
    with pytest.raises(MunicipalityFileError, match=r"0437/municipality.toml: privacy.dpo_email: missing"):
        LetterWriter(tmp_path, "0437", retention=timedelta(days=180))
