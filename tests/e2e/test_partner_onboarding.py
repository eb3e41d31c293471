"""Partners as data (ADR 0016), with intake, matching and outreach running as processes on the real
Kafka and PostgreSQL:

- every partner of the default registry (each partner type of the DDAS list) reports over HTTP and
  over Kafka, is accepted, and its signals reach the DDAS delivery with its signal-partner type;
- `python -m intake partners add` onboards a new energy supplier while intake runs: its reports over
  HTTP and Kafka are accepted within seconds, and intake is the same process throughout;
- `python -m intake partners disable` refuses it: its HTTP token gets 401, its Kafka producer is
  refused (authorization), a new connection cannot even authenticate.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from intake.config import IntakeSettings, load_partners
from vroeg_contracts import topics
from vroeg_contracts.partner_report import DDAS_PARTNER_TYPE, Category, today_in_amsterdam
from vroeg_devtools import bus
from vroeg_devtools.cbs_client import pull
from vroeg_devtools.pytest_plugin import Residents
from vroeg_devtools.stack import Stack, free_port

SETTINGS = IntakeSettings()
DEFAULT_REGISTRY = load_partners(SETTINGS.partners_file, SETTINGS.municipalities)
REFRESH_SECONDS = 1.0
# How soon a partner counts: the registry's refresh for HTTP; for Kafka also the consumer's next
# metadata refresh and the group's rebalance onto the new topic.
HTTP_WITHIN, KAFKA_WITHIN = 10.0, 30.0


@pytest.fixture(scope="module")
async def services(platform, tmp_path_factory) -> AsyncIterator[tuple[Stack, int]]:
    """Intake, matching and outreach (with the CBS pull API) for the whole module."""
    cbs_port = free_port()
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(tmp_path_factory.mktemp("letters")), "VROEG_JSON_LOGS": "true",
                       "INTAKE_PARTNERS_REFRESH_SECONDS": str(REFRESH_SECONDS)},
                  overrides={"outreach": {"OUTREACH_CBS_DIR": str(platform.keys_dir / "cbs"),
                                          "OUTREACH_CBS_PORT": str(cbs_port), "OUTREACH_CBS_ENABLED": "true"}},
                  skip_history=True)
    try:
        stack.start(("intake", "matching", "outreach"))
        yield stack, cbs_port
    finally:
        stack.stop()


def report_of(residents: Residents, partner_id: str, category: Category, municipality_code: str) -> dict[str, Any]:
    # Below the threshold of 30 days: each is a signal "not picked up" (no letter to write), which the
    # DDAS delivery holds like every other.
    return residents.report(partner_id, category.value, residents.client(), days_in_arrears=10,
                            municipality_code=municipality_code)


def post(stack: Stack, token: str, reports: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(f"{stack['intake'].url}/v1/reports", json=reports, timeout=30,
                      headers={"Authorization": f"Bearer {token}"})


async def accepted(report_ids: set[str], timeout: float = 90.0) -> dict[str, str]:
    """The signal id of each report, once intake has published all of them."""
    records = await bus.read_topic(topics.ARREARS_REPORTED, timeout=timeout, until=lambda rs: report_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    return {e["payload"]["report_id"]: e["payload"]["signal_id"] for e in bus.events(records)
            if e["payload"]["report_id"] in report_ids}


async def delivered_partner_types(cbs_port: int, platform, signal_ids: set[str]) -> dict[str, str]:
    """The DDAS signal-partner type of each signal, pulled through the CBS API once all are delivered."""
    today, deadline = today_in_amsterdam(), time.monotonic() + 90
    while True:
        pulled = await asyncio.to_thread(pull, f"https://127.0.0.1:{cbs_port}", platform.keys_dir / "cbs", today, today)
        signals = {s["ID"]: s for page in pulled.pages for lv in page.get("leveringen", []) for s in lv["vroegsignalen"]}
        if signal_ids <= set(signals) or time.monotonic() > deadline:
            return {i: signals[i]["signaalpartner"]["type"] for i in signal_ids if i in signals}
        await asyncio.sleep(2)


async def within(seconds: float, check: Callable[[], Any]) -> float:
    """Seconds until `check()` is true (it may be a coroutine function); fails after `seconds`."""
    started = time.monotonic()
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        await asyncio.sleep(0.2)


async def test_every_partner_of_the_default_registry_reports_over_http_and_kafka(services, residents, platform):
    stack, cbs_port = services
    assert {DDAS_PARTNER_TYPE[c] for p in DEFAULT_REGISTRY.values() for c in p.categories} >= {
        "Huur", "Zorg", "Water", "Energie", "Overige", "CAK Zorgverzekeringen", "DUO", "Belastingdienst",
        "Dienst Toeslagen"}
    expected: dict[str, str] = {}  # report id: DDAS partner type
    over_kafka = []
    for partner in DEFAULT_REGISTRY.values():
        category, municipality = min(partner.categories), min(partner.municipalities)
        by_http, by_kafka = (report_of(residents, partner.id, category, municipality) for _ in range(2))
        answer = post(stack, f"dev-token-{partner.id}", [by_http])
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["reports"]] == ["accepted"], (partner.id, answer.text)
        over_kafka.append((partner.id, by_kafka))
        expected |= {by_http["report_id"]: DDAS_PARTNER_TYPE[category], by_kafka["report_id"]: DDAS_PARTNER_TYPE[category]}
    await bus.send_reports(over_kafka)

    signal_of = await accepted(set(expected))
    types = await delivered_partner_types(cbs_port, platform, set(signal_of.values()))
    assert {report_id: types.get(signal_id) for report_id, signal_id in signal_of.items()} == expected


def partners_command(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "intake", "partners", *args], capture_output=True, text=True,
                          timeout=120, env=os.environ.copy())
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def test_a_partner_onboarded_while_intake_runs_reports_at_once_and_is_refused_once_disabled(
        services, residents, platform):
    stack, cbs_port = services
    intake = stack["intake"]
    pid_before = intake.process.pid
    partner_id = f"essent-{residents.run}"

    added = partners_command("add", partner_id, "--name", "Essent", "--category", "energy",
                             "--municipality", "0437", "--municipality", "0362", "--by", "e2e")
    (token_line,) = [line for line in added.splitlines() if "HTTP token" in line]
    token = token_line.rsplit(" ", 1)[1]

    by_http = report_of(residents, partner_id, Category.ENERGY, "0362")
    took_http = await within(HTTP_WITHIN, lambda: post(stack, token, [by_http]).status_code == 200)
    by_kafka = report_of(residents, partner_id, Category.ENERGY, "0437")
    started = time.monotonic()
    producer = AIOKafkaProducer(**bus.client_options(partner_id), acks="all", request_timeout_ms=10_000)
    await producer.start()
    try:
        await producer.send_and_wait(topics.partner_reports(partner_id), json.dumps(by_kafka).encode(),
                                     key=by_kafka["report_id"].encode())
        signal_of = await accepted({by_http["report_id"], by_kafka["report_id"]}, timeout=KAFKA_WITHIN)
        took_kafka = time.monotonic() - started
        assert took_http < HTTP_WITHIN and took_kafka < KAFKA_WITHIN
        # Intake took it without a restart: the same process, started once.
        assert (intake.process.pid, intake.process.poll(), intake.starts) == (pid_before, None, 1)
        types = await delivered_partner_types(cbs_port, platform, set(signal_of.values()))
        assert set(types.values()) == {"Energie"} and len(types) == 2

        partners_command("disable", partner_id, "--by", "e2e")
        await within(HTTP_WITHIN, lambda: post(stack, token, [report_of(residents, partner_id, Category.ENERGY,
                                                                         "0437")]).status_code == 401)

        async def refused_on_its_open_connection() -> bool:
            try:
                await producer.send_and_wait(topics.partner_reports(partner_id), b"{}")
            except TopicAuthorizationFailedError:
                return True
            return False

        await within(10, refused_on_its_open_connection)
    finally:
        await producer.stop()
    with pytest.raises(KafkaError):  # a new connection: its credential is gone
        fresh = AIOKafkaProducer(**bus.client_options(partner_id), request_timeout_ms=5_000)
        try:
            await fresh.start()
            await fresh.send_and_wait(topics.partner_reports(partner_id), b"{}")
        finally:
            await fresh.stop()
    assert "disabled" in next(line for line in partners_command("list").splitlines() if line.startswith(partner_id))
    assert intake.process.pid == pid_before and intake.process.poll() is None
