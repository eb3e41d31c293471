"""The staff file: tokens are matched by their hash, each member serves the municipalities listed, and a
malformed file is refused with a clear error naming the entry and the field."""

from pathlib import Path

import pytest

from consent.adapters.staff_directory import StaffDirectory, StaffDirectoryError, token_hash
from consent.config import SERVICE_DIR
from consent.domain.staff import CHANGE_CONSENT, READ_AUDIT, REQUEST_ERASURE, Role

HASH = "a" * 64


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "staff.toml"
    path.write_text(body)
    return path


def entry(staff_id: str = "x", role: str = "admin", municipalities: str | None = '["0437"]',
          token_sha256: str = HASH) -> str:
    line = f"municipalities = {municipalities}\n" if municipalities is not None else ""
    return f'[[staff]]\nid = "{staff_id}"\nrole = "{role}"\n{line}token_sha256 = "{token_sha256}"\n'


def test_a_token_finds_its_member_their_role_and_their_municipalities(tmp_path):
    path = write(tmp_path, entry("cw-1", "caseworker", '["0437", "0362"]', token_hash("s3cret-token")))
    directory = StaffDirectory.load(path)
    member = directory.member("s3cret-token")
    assert member is not None
    assert (member.staff_id, member.role, member.municipalities) == ("cw-1", Role.CASEWORKER,
                                                                     frozenset({"0437", "0362"}))
    assert directory.member("s3cret-token ") is None
    assert directory.member(token_hash("s3cret-token")) is None  # the hash itself is no token
    assert "s3cret-token" not in path.read_text()


def test_roles_per_endpoint_group():
    assert Role.CASEWORKER in CHANGE_CONSENT and Role.AUDITOR not in CHANGE_CONSENT
    assert REQUEST_ERASURE == {Role.SUPERVISOR, Role.ADMIN}
    assert READ_AUDIT == {Role.AUDITOR, Role.ADMIN}


@pytest.mark.parametrize(("body", "message"), [
    ('[[staff]]\nrole = "admin"\nmunicipalities = ["0437"]\ntoken_sha256 = "' + HASH + '"\n',
     r"staff\[0\]\.id: required"),
    (entry(role="boss"), r"staff\[0\]\.role: must be one of"),
    (entry(token_sha256="plain-token"), r"staff\[0\]\.token_sha256"),
    (entry("x") + entry("y", "auditor"), r"staff\[1\]\.token_sha256: shared"),
    (entry(municipalities=None), r"staff\[0\]\.municipalities: required"),
    (entry(municipalities="[]"), r"staff\[0\]\.municipalities: required"),
    (entry(municipalities='"0437"'), r"staff\[0\]\.municipalities: required"),
    (entry(municipalities='["0437", "437"]'), r"staff\[0\]\.municipalities\[1\]: must be a CBS code"),
    (entry(municipalities="[437]"), r"staff\[0\]\.municipalities\[0\]: must be a CBS code"),
    (entry(municipalities='["0437\\n"]'), r"staff\[0\]\.municipalities\[0\]: must be a CBS code"),
    (entry("x", token_sha256="b" * 64) + entry("y", municipalities=None), r"staff\[1\]\.municipalities: required"),
    ("[[staff]\n", "cannot be read"),
])
def test_a_malformed_staff_file_is_refused(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(StaffDirectoryError, match=message) as raised:
        StaffDirectory.load(path)
    assert str(raised.value).startswith(str(path))  # the error names the file


def test_the_development_file_has_one_member_per_role_and_two_municipalities():
    directory = StaffDirectory.load(SERVICE_DIR / "config" / "staff.toml")
    assert {directory.member(f"dev-staff-{role}").role for role in Role} == set(Role)
    assert {directory.member(f"dev-staff-{role}").municipalities for role in Role} == {frozenset({"0437"})}
    amstelveen, region = directory.member("dev-staff-caseworker-0362"), directory.member("dev-staff-supervisor-region")
    assert (amstelveen.role, amstelveen.municipalities) == (Role.CASEWORKER, frozenset({"0362"}))
    assert (region.role, region.municipalities) == (Role.SUPERVISOR, frozenset({"0437", "0362"}))
