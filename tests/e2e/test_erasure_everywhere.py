"""An erasure request reaches every service: afterwards no row that mentions the household remains
in any of the four databases, and consent reports the request complete with a receipt per service."""

import time

import httpx

from vroeg_contracts import topics
from vroeg_devtools import bus

SUPERVISOR = {"Authorization": "Bearer dev-staff-supervisor"}


async def _mentions(pools, household_key: str, person_key: str | None) -> dict[str, list[str]]:
    """Every table, in every service database, with a row whose text holds the household's keys."""
    found: dict[str, list[str]] = {}
    for service, pool in pools.items():
        tables = [r["tablename"] for r in await pool.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            needles = [household_key] + ([person_key] if person_key else [])
            hits = await pool.fetchval(
                f"SELECT count(*) FROM {table} t WHERE " + " OR ".join(f"strpos(t::text, ${i + 1}) > 0"  # noqa: S608
                                                                       for i in range(len(needles))), *needles)
            if hits:
                found.setdefault(service, []).append(f"{table} ({hits})")
    return found


async def test_an_erasure_leaves_no_row_about_the_household(stack, residents, admin_pools):
    stack.start()
    client = residents.client(phone=True)
    reports = [("eigen-haard", residents.report("eigen-haard", "rent", client)),
               ("vgz", residents.report("vgz", "health_insurance", client))]
    await bus.send_reports(reports)
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=90, until=lambda rs: any(
        e["payload"]["report_id"] == reports[1][1]["report_id"] for e in bus.events(rs)))
    ours = [e for e in bus.events(accepted) if e["payload"]["report_id"] in {b["report_id"] for _, b in reports}]
    household, person = ours[0]["household_key"], ours[0]["payload"]["person_key"]
    await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=90, until=lambda rs: any(
        e["household_key"] == household for e in bus.events(rs, "LetterSent")))
    assert await _mentions(admin_pools, household, person)  # the search finds what is there

    consent = stack["consent"].url
    response = httpx.post(f"{consent}/v1/erasure-requests", headers=SUPERVISOR, timeout=30, json={
        "municipality_code": "0437", "postcode": client["postcode"], "house_number": client["house_number"],
        "bsn": client["bsn"], "reason": "right_to_erasure"})
    assert response.status_code in (200, 201, 202), response.text
    request_id = response.json()["request_id"]

    deadline, request = time.monotonic() + 120, {}
    while time.monotonic() < deadline:
        request = httpx.get(f"{consent}/v1/erasure-requests/{request_id}", headers=SUPERVISOR, timeout=30).json()
        if request["status"] == "complete":
            break
        time.sleep(1)
    assert request["status"] == "complete", request
    assert {s["service"] for s in request["services"] if s["status"] == "answered"} == {
        "intake", "matching", "outreach", "consent"}
    assert await _mentions(admin_pools, household, person) == {}
