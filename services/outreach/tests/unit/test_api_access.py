"""Every team-API endpoint needs a known staff token (401) of a role it allows (403). Checked on the
routes themselves, without a database: refusals happen before any case data is touched."""

import re
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from outreach.adapters.staff_directory import StaffDirectory
from outreach.config import OutreachSettings
from outreach.entrypoints import http

TOKENS = {"caseworker": "dev-caseworker-token", "supervisor": "dev-supervisor-token",
          "auditor": "dev-auditor-token", "admin": "dev-admin-token"}
CASE = "/v1/cases/7b0c6f1e-2f1a-4c4e-9d55-1f0b8d3e2a10"
CALLS = [("GET", "/v1/worklist"), ("GET", "/v1/cases"), ("GET", CASE), ("POST", CASE + "/attempts"),
         ("POST", CASE + "/outcome"), ("GET", "/v1/admin/visits"), ("GET", "/v1/admin/visits/0437"),
         ("PUT", "/v1/admin/visits/0437"),
         ("GET", "/v1/ddas?from=2025-01-01&to=2025-01-31"), ("GET", "/v1/kpi?from=2025-01-01&to=2025-01-31"),
         ("GET", "/v1/audit"), ("GET", "/v1/audit/verify")]


def _no_database() -> None:
    raise AssertionError("a refused request reached the database")


@pytest.fixture(scope="module")
def app() -> FastAPI:
    runtime = SimpleNamespace(db=property(_no_database))
    deps = SimpleNamespace(staff=StaffDirectory.load(OutreachSettings().staff_file),
                           rules=SimpleNamespace(visits_enabled=True), settings=None)
    api = FastAPI()
    http.register(api, runtime, deps)  # type: ignore[arg-type]
    return api


def route_of(path: str) -> str:
    """The route a call's path matches (a case id, a municipality code as parameters)."""
    return re.sub(r"/\d{4}$", "/{municipality_code}", re.sub(r"[0-9a-f-]{36}", "{case_id}", path.split("?")[0]))


def operation(app: FastAPI, method: str, path: str) -> dict:
    """The OpenAPI operation a call goes to: the document is the API's contract, roles included."""
    return app.openapi()["paths"][route_of(path)][method.lower()]


def allowed_roles(app: FastAPI, method: str, path: str) -> set[str]:
    return set(re.match(r"Roles: ([a-z, ]+)\.", operation(app, method, path)["description"]).group(1).split(", "))


async def call(app: FastAPI, method: str, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://outreach") as client:
        return await client.request(method, path, headers=headers, json={})


def test_every_operation_of_the_api_is_checked_here_and_declares_bearer_security(app):
    paths = app.openapi()["paths"]
    operations = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    checked = {(m, route_of(p)) for m, p in CALLS}
    assert operations == checked
    assert all(op["security"] == [{"HTTPBearer": []}] for ops in paths.values() for op in ops.values())


@pytest.mark.parametrize(("method", "path"), CALLS)
async def test_without_a_token_the_answer_is_401(app, method, path):
    response = await call(app, method, path, None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), CALLS)
async def test_an_unknown_token_is_401_and_is_not_echoed(app, method, path):
    response = await call(app, method, path, "not-a-real-token-x9")
    assert response.status_code == 401
    assert "not-a-real-token-x9" not in response.text


@pytest.mark.parametrize(("method", "path"), CALLS)
async def test_a_role_the_endpoint_does_not_allow_is_403(app, method, path):
    refused = set(TOKENS) - allowed_roles(app, method, path)
    assert refused, "every endpoint refuses some role"
    for role in refused:
        response = await call(app, method, path, TOKENS[role])
        assert response.status_code == 403, role
        assert role in response.json()["detail"]


def test_the_roles_are_the_designed_ones(app):
    assert allowed_roles(app, "PUT", "/v1/admin/visits/0437") == {"admin"}
    assert allowed_roles(app, "GET", "/v1/audit") == {"auditor"}
    assert allowed_roles(app, "POST", CASE + "/outcome") == {"caseworker", "supervisor"}
    assert allowed_roles(app, "GET", CASE) == {"caseworker", "supervisor", "auditor"}
    assert allowed_roles(app, "GET", "/v1/ddas") == {"supervisor", "admin", "auditor"}
