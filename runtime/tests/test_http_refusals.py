"""Every service's HTTP app logs refused calls (401/403) without the token that was offered."""

from pathlib import Path

import logging

from fastapi import HTTPException
from fastapi.testclient import TestClient

from vroeg_runtime import logs
from vroeg_runtime.service import ServiceRuntime, create_http_app


def test_a_refused_call_is_logged_without_its_token(monkeypatch, caplog):
    monkeypatch.setenv("VROEG_KAFKA_DEV_PASSWORDS", "1")
    logs.configure("matching")  # the services' pipeline: structlog through the standard library
    runtime = ServiceRuntime(name="matching", version="0", database_url="postgresql://unused", kafka_bootstrap="unused:1",
                             migrations_dir=Path("."))
    app = create_http_app(runtime, title="t")

    @app.get("/v1/secret")
    async def secret() -> None:
        raise HTTPException(401, "a valid staff bearer token is required")

    with caplog.at_level(logging.INFO):
        response = TestClient(app).get("/v1/secret", headers={"Authorization": "Bearer s3cret-token-value"})
    assert response.status_code == 401
    entries = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    refused = [entry for entry in entries if entry.get("event") == "http_access_refused"]
    assert refused and refused[0]["status"] == 401 and refused[0]["path"] == "/v1/secret"
    assert "s3cret-token-value" not in repr(entries) + caplog.text
