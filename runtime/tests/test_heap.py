"""A started service freezes its start-up heap and collects the young generation less often."""

import gc
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vroeg_runtime import heap
from vroeg_runtime.service import ServiceRuntime, create_http_app


@pytest.fixture
def restored_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settle_freezes_what_exists_and_raises_the_thresholds(restored_gc):
    gc.unfreeze()
    heap.settle()
    assert gc.get_freeze_count() > 1000  # the modules and schemas of the process, at least
    assert gc.get_threshold() == heap.THRESHOLDS


def test_a_service_settles_its_heap_once_started(monkeypatch, restored_gc):
    monkeypatch.setenv("VROEG_KAFKA_DEV_PASSWORDS", "1")
    runtime = ServiceRuntime(name="matching", version="0", database_url="postgresql://unused", kafka_bootstrap="unused:1",
                             migrations_dir=Path("."))
    events = []

    async def start() -> None:
        events.append(("started", gc.get_threshold()))

    async def stop() -> None:
        events.append(("stopped", gc.get_threshold()))

    monkeypatch.setattr(runtime, "start", start)
    monkeypatch.setattr(runtime, "stop", stop)
    gc.set_threshold(700, 10, 10)
    with TestClient(create_http_app(runtime, title="t")):
        pass
    assert events == [("started", (700, 10, 10)), ("stopped", heap.THRESHOLDS)]
