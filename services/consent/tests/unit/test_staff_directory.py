"""The staff file: tokens are matched by their hash, and a malformed file is refused with a clear error."""

from pathlib import Path

import pytest

from consent.adapters.staff_directory import StaffDirectory, StaffDirectoryError, token_hash
from consent.config import SERVICE_DIR
from consent.domain.staff import CHANGE_CONSENT, READ_AUDIT, REQUEST_ERASURE, Role


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "staff.toml"
    path.write_text(body)
    return path


def test_a_token_finds_its_member_and_its_role(tmp_path):
    path = write(tmp_path, '[[staff]]\nid = "cw-1"\nrole = "caseworker"\n'
                           f'token_sha256 = "{token_hash("s3cret-token")}"\n')
    directory = StaffDirectory.load(path)
    member = directory.member("s3cret-token")
    assert member is not None and (member.staff_id, member.role) == ("cw-1", Role.CASEWORKER)
    assert directory.member("s3cret-token ") is None
    assert directory.member(token_hash("s3cret-token")) is None  # the hash itself is no token
    assert "s3cret-token" not in path.read_text()


def test_roles_per_endpoint_group():
    assert Role.CASEWORKER in CHANGE_CONSENT and Role.AUDITOR not in CHANGE_CONSENT
    assert REQUEST_ERASURE == {Role.SUPERVISOR, Role.ADMIN}
    assert READ_AUDIT == {Role.AUDITOR, Role.ADMIN}


@pytest.mark.parametrize(("body", "message"), [
    ('[[staff]]\nrole = "admin"\ntoken_sha256 = "' + "a" * 64 + '"\n', r"staff\[0\]\.id: required"),
    ('[[staff]]\nid = "x"\nrole = "boss"\ntoken_sha256 = "' + "a" * 64 + '"\n', r"staff\[0\]\.role: must be one of"),
    ('[[staff]]\nid = "x"\nrole = "admin"\ntoken_sha256 = "plain-token"\n', r"staff\[0\]\.token_sha256"),
    ('[[staff]]\nid = "x"\nrole = "admin"\ntoken_sha256 = "' + "a" * 64 + '"\n'
     '[[staff]]\nid = "y"\nrole = "auditor"\ntoken_sha256 = "' + "a" * 64 + '"\n', r"staff\[1\]\.token_sha256: shared"),
    ("[[staff]\n", "cannot be read"),
])
def test_a_malformed_staff_file_is_refused(tmp_path, body, message):
    with pytest.raises(StaffDirectoryError, match=message):
        StaffDirectory.load(write(tmp_path, body))


def test_the_development_file_has_one_member_per_role():
    directory = StaffDirectory.load(SERVICE_DIR / "config" / "staff.toml")
    assert {directory.member(f"dev-staff-{role}").role for role in Role} == set(Role)
