"""The staff directory: hashed tokens, roles, and the development tokens the README documents."""

import re
from pathlib import Path

import pytest

from outreach.adapters.staff_directory import StaffDirectory, token_hash
from outreach.config import OutreachSettings

STAFF_FILE = OutreachSettings().staff_file


def test_the_documented_development_tokens_name_their_staff_and_roles():
    directory = StaffDirectory.load(STAFF_FILE)
    documented = re.findall(r"^#\s+(dev-\S+)\s+(\S+)\s+(\S+)$", STAFF_FILE.read_text(), re.MULTILINE)
    assert len(documented) == 7
    for token, staff_id, role in documented:
        staff = directory.identify(token)
        assert staff is not None and (staff.staff_id, staff.role) == (staff_id, role)
    assert {role for *_, role in documented} == {"caseworker", "supervisor", "auditor", "admin"}


def test_each_member_serves_their_own_municipalities():
    directory = StaffDirectory.load(STAFF_FILE)
    assert directory.identify("dev-caseworker-token").municipalities == ("0437",)
    assert directory.identify("dev-caseworker-0362-token").municipalities == ("0362",)
    assert set(directory.identify("dev-supervisor-token").municipalities) == {"0437", "0362"}


def test_no_token_is_kept_in_plain_text():
    assert "dev-admin-token" not in STAFF_FILE.read_text().split("[[staff]]", 1)[1]


def test_an_unknown_token_is_nobody():
    assert StaffDirectory.load(STAFF_FILE).identify("guess") is None


@pytest.mark.parametrize(("entry", "message"), [
    ('staff_id = "x"\nrole = "boss"\nmunicipalities = ["0437"]\ntoken_sha256 = "' + "a" * 64 + '"', "role: must be one of"),
    ('staff_id = "x"\nrole = "admin"\nmunicipalities = ["0437"]\ntoken_sha256 = "secret"',
     "token_sha256: must be 64 hex digits"),
    ('role = "admin"\ntoken_sha256 = "' + "a" * 64 + '"', "staff_id: missing"),
    ('staff_id = "x"\nrole = "admin"\ntoken_sha256 = "' + "a" * 64 + '"', r"staff\[0\]\.municipalities: must be a list"),
    ('staff_id = "x"\nrole = "admin"\nmunicipalities = ["Amstelveen"]\ntoken_sha256 = "' + "a" * 64 + '"',
     "municipalities: must be a list of one or more CBS codes"),
])
def test_a_bad_entry_stops_the_start_naming_the_field(tmp_path: Path, entry, message):
    path = tmp_path / "staff.toml"
    path.write_text("[[staff]]\n" + entry + "\n")
    with pytest.raises(ValueError, match=message):
        StaffDirectory.load(path)


def test_the_same_token_twice_is_refused(tmp_path: Path):
    digest = token_hash("t")
    path = tmp_path / "staff.toml"
    path.write_text("".join(f'[[staff]]\nstaff_id = "{n}"\nrole = "admin"\nmunicipalities = ["0437"]\ntoken_sha256 = "{digest}"\n' for n in "ab"))
    with pytest.raises(ValueError, match="the same token is given twice"):
        StaffDirectory.load(path)
