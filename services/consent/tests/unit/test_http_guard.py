"""The staff API refuses before it touches the database: 401 without a valid token, 403 for the wrong
role, 422 naming the field (and never echoing a BSN). The app is not started, so no platform is needed."""

import pytest
from fastapi.testclient import TestClient

from consent.bootstrap import build
from consent.config import ConsentSettings

ADMIN, AUDITOR, CASEWORKER = ({"Authorization": f"Bearer dev-staff-{role}"}
                              for role in ("admin", "auditor", "caseworker"))
VALID = {"municipality_code": "0437", "bsn": "111222333", "recipient": "schuldhulp-amstelland", "purpose": "referral",
         "data_categories": ["arrears"], "channel": "in_person"}


@pytest.fixture(scope="module")
def client():
    _, app = build(ConsentSettings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    return TestClient(app)  # not entered: the lifespan (database, broker) never starts


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}])
def test_no_valid_token_is_401(client, headers):
    response = client.post("/v1/consents", json=VALID, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("post", "/v1/consents", AUDITOR),
    ("post", "/v1/erasure-requests", CASEWORKER),
    ("get", "/v1/erasure-requests", CASEWORKER),
    ("get", "/v1/audit/verification", CASEWORKER),
    ("post", "/v1/audit/access-requests", CASEWORKER),
])
def test_the_wrong_role_is_403(client, method, path, headers):
    response = client.request(method, path, json=VALID, headers=headers)
    assert response.status_code == 403
    assert "allowed:" in response.json()["detail"]


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"bsn": "123456789"}, "bsn", "not a valid BSN"),
    ({"municipality_code": "437"}, "municipality_code", "pattern"),
    ({"data_categories": []}, "data_categories", "at least 1"),
    ({"recipient": "Jan de Vries"}, "recipient", "pattern"),
    ({"given_at": "2026-01-01T10:00:00"}, "given_at", "timezone"),
    ({"channel": "pigeon"}, "channel", "in_person"),
])
def test_a_bad_field_is_422_naming_it_without_echoing_it(client, change, field, reason):
    response = client.post("/v1/consents", json={**VALID, **change}, headers=ADMIN)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [p["field"] for p in problems] == [field]
    assert reason in problems[0]["reason"]
    assert "123456789" not in response.text


def test_an_unknown_municipality_is_422_on_that_field(client, tmp_path, monkeypatch):
    monkeypatch.setenv("VROEG_KEYS_DIR", str(tmp_path))
    _, app = build(ConsentSettings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    response = TestClient(app).post("/v1/consents/search", json={"municipality_code": "0437", "bsn": "111222333"},
                                    headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "municipality_code"


def test_every_endpoint_with_a_resident_or_a_record_documents_404(client):
    """A request outside the caller's municipalities is 404; the OpenAPI document says so wherever it can happen."""
    paths = client.get("/openapi.json").json()["paths"]
    operations = {f"{method.upper()} {path}": operation for path, methods in paths.items() if path.startswith("/v1/")
                  for method, operation in methods.items()}
    assert {name for name, operation in operations.items() if "404" not in operation["responses"]} == {
        "GET /v1/audit/verification"}  # the one chain of the installation: it names no resident
