"""Readiness means the database, the migrations and the broker are really there: it goes false when
PostgreSQL stops and true again when it is back, while liveness stays true throughout."""

import subprocess
import time
from pathlib import Path

import httpx

POSTGRES = Path(__file__).resolve().parents[2] / "deploy" / "local" / "postgres.sh"


def _ready(url: str) -> tuple[int, dict]:
    response = httpx.get(f"{url}/health/ready", timeout=10)
    return response.status_code, response.json()


def _wait_for(url: str, status: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = _ready(url)
        if last[0] == status:
            return last[1]
        time.sleep(0.5)
    raise AssertionError(f"readiness never became {status}; last answer {last}")


def test_readiness_follows_the_database(stack):
    matching = stack.start(("matching",))["matching"]
    assert _ready(matching.url)[0] == 200
    subprocess.run(["bash", str(POSTGRES), "down"], check=True, capture_output=True)
    try:
        body = _wait_for(matching.url, 503)
        assert body["checks"]["database"] is False and body["checks"]["broker"] is True
        assert httpx.get(f"{matching.url}/health/live", timeout=10).status_code == 200
    finally:
        subprocess.run(["bash", str(POSTGRES), "up"], check=True, capture_output=True)
    body = _wait_for(matching.url, 200)
    assert all(body["checks"].values())
