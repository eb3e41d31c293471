"""What the HTTP API refuses before it reads a report: no token, a wrong token, a huge body, an
unknown media type. None of these needs the database, and none echoes the token."""

import httpx
import pytest

from intake.bootstrap import build
from intake.config import IntakeSettings

LIMIT = 4096


@pytest.fixture(scope="module")
def app():
    # Nothing here reaches the broker; the app is built as on a broker without authentication, so
    # the test needs no Kafka credentials.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VROEG_KAFKA_SECURITY", "plaintext")
        _, app = build(IntakeSettings(http_max_body_bytes=LIMIT, http_max_reports=3, kafka_ingress=False))
    return app


async def post(app, **kwargs):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        return await client.post("/v1/reports", **kwargs)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic ZGV2OmRldg=="}, {"Authorization": "Bearer"}])
async def test_a_missing_token_gets_401(app, headers):
    response = await post(app, headers=headers, json={})
    assert response.status_code == 401
    assert "bearer token" in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_wrong_token_gets_401_without_echoing_it(app):
    response = await post(app, headers={"Authorization": "Bearer geheim-123"}, json={})
    assert response.status_code == 401
    assert response.json() == {"detail": "unknown bearer token"}


async def test_a_body_over_the_limit_gets_413(app):
    response = await post(app, headers={"Authorization": "Bearer dev-token-eigen-haard"}, content=b"[" + b" " * LIMIT + b"]")
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["detail"]


async def test_a_streamed_body_over_the_limit_gets_413(app):
    async def chunks():
        for _ in range(10):
            yield b" " * 1000

    response = await post(app, headers={"Authorization": "Bearer dev-token-eigen-haard"}, content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize(("body", "content_type"), [(b"[{}, {}, {}, {}]", "application/json"),
                                                     (b"report_id\n1\n2\n3\n4\n", "text/csv")])
async def test_more_reports_than_the_limit_get_413(app, body, content_type):
    response = await post(app, headers={"Authorization": "Bearer dev-token-eigen-haard", "Content-Type": content_type},
                          content=body)
    assert response.status_code == 413
    assert "more than 3 reports" in response.json()["detail"]


async def test_an_unknown_media_type_gets_415(app):
    response = await post(app, headers={"Authorization": "Bearer dev-token-eigen-haard", "Content-Type": "application/xml"},
                          content=b"<report/>")
    assert response.status_code == 415


def test_the_openapi_document_describes_the_contract(app):
    document = app.openapi()
    body = document["paths"]["/v1/reports"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    schemas = document["components"]["schemas"]
    assert {"PartnerReportV1", "Arrears", "Client", "ReportsAnswer"} <= set(schemas)
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
