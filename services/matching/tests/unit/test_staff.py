"""Staff tokens: hashed, with a role and the municipalities a member may see; bad files are refused."""

import hashlib

import pytest
from fastapi.testclient import TestClient

from matching.bootstrap import build
from matching.config import SERVICE_DIR, MatchingSettings
from matching.adapters.staff_directory import StaffError, load_staff
from matching.domain.staff import Role

SHIPPED = load_staff(SERVICE_DIR / "config" / "staff.toml")


def test_the_shipped_development_tokens_authenticate_their_roles():
    for role in Role:
        member = SHIPPED.authenticate(f"dev-staff-matching-{role.value}")
        assert member is not None and member.role is role
    assert SHIPPED.authenticate("dev-staff-matching-nobody") is None
    assert SHIPPED.authenticate(hashlib.sha256(b"dev-staff-matching-auditor").hexdigest()) is None  # not the hash


def test_a_member_reads_only_the_municipalities_they_serve():
    member = SHIPPED.authenticate("dev-staff-matching-caseworker")
    assert member.may_read_decisions_of("0437") and not member.may_read_decisions_of("0363")


@pytest.mark.parametrize(("text", "field"), [
    ('[[staff]]\nid = "a"\nrole = "janitor"\nmunicipalities = ["0437"]\ntoken_sha256 = "' + "0" * 64 + '"\n', "staff.0.role"),
    ('[[staff]]\nid = "a"\nrole = "auditor"\nmunicipalities = ["437"]\ntoken_sha256 = "' + "0" * 64 + '"\n',
     "staff.0.municipalities.0"),
    ('[[staff]]\nid = "a"\nrole = "auditor"\nmunicipalities = ["0437"]\ntoken_sha256 = "secret"\n', "staff.0.token_sha256"),
    ('[[staff]]\nid = "a"\nrole = "auditor"\nmunicipalities = []\ntoken_sha256 = "' + "0" * 64 + '"\n',
     "staff.0.municipalities"),
    ("staff = []\n", "staff"),
])
def test_a_wrong_staff_file_names_the_field(tmp_path, text, field):
    path = tmp_path / "staff.toml"
    path.write_text(text)
    with pytest.raises(StaffError, match=f"{field}: "):
        load_staff(path)


def test_two_members_with_one_id_are_refused(tmp_path):
    member = '[[staff]]\nid = "a"\nrole = "auditor"\nmunicipalities = ["0437"]\ntoken_sha256 = "' + "0" * 64 + '"\n'
    path = tmp_path / "staff.toml"
    path.write_text(member * 2)
    with pytest.raises(StaffError, match="staff.id"):
        load_staff(path)


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer wrong-token", "Basic ZGV2OmRldg==",
                                           "dev-staff-matching-auditor"])
def test_the_read_api_refuses_a_request_without_a_valid_staff_token(authorization):
    # No lifespan: the service is not started, so this shows the refusal comes before any database read.
    _, app = build(MatchingSettings())
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = TestClient(app).get("/v1/households/abc/decisions", headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_the_members_of_amstelveen_and_the_region_read_their_municipalities_only():
    amstelveen = SHIPPED.authenticate("dev-staff-matching-caseworker-0362")
    regional = SHIPPED.authenticate("dev-staff-matching-regional-supervisor")
    assert amstelveen.may_read_decisions_of("0362") and not amstelveen.may_read_decisions_of("0437")
    assert regional.role is Role.SUPERVISOR
    assert regional.may_read_decisions_of("0362") and regional.may_read_decisions_of("0437")


def test_the_read_api_documents_a_refusal_as_not_found():
    # A household of another municipality answers 404 like an unknown one: there is no 403 to document.
    _, app = build(MatchingSettings())
    responses = app.openapi()["paths"]["/v1/households/{household_key}/decisions"]["get"]["responses"]
    assert "403" not in responses and "municipality the member does not serve" in responses["404"]["description"]
