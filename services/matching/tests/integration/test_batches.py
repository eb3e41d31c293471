"""A batch handled at once (the `*_batch` handlers, the Kafka path) decides, stores and announces exactly what
the same events handled one by one do, including events that depend on earlier ones in the batch."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import pytest

from matching.adapters.batch_repository import BatchedHouseholdRepository, NotLoaded
from matching.adapters.policy_book import PolicyBook
from matching.config import SERVICE_DIR
from matching.handlers.arrears_reported import handle_arrears_reported, handle_arrears_reported_batch
from matching.handlers.case_closed import handle_case_event, handle_case_events_batch
from vroeg_contracts.events import CaseClosed
from vroeg_runtime.unit_of_work import unit_of_work

from .conftest import Household, now

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def reports(home: Household) -> list[Any]:
    """Two households' worth of events in one batch: a report below the threshold, one that puts the
    household at risk, its copy under a new event id, a resolve, and another household's report."""
    rent_id, rent_report = uuid.uuid4(), f"rent-{uuid.uuid4().hex[:8]}"
    neighbour = Household(key=f"{home.key}-next")
    return [home.report("eigen-haard", days_ago=30, days_in_arrears=10, signal_id=rent_id, report_id=rent_report),
            home.report("vgz", days_ago=5),
            neighbour.report("waternet", days_ago=3),
            home.report("eigen-haard", days_ago=2, days_in_arrears=60, signal_id=rent_id, report_id=rent_report),
            home.report("vgz", days_ago=1, status="resolved")]


async def stored(conn: asyncpg.Connection, home: Household) -> dict[str, Any]:
    """What matching holds for the household and its neighbour, with ids made comparable across runs."""
    keys = [home.key, f"{home.key}-next"]
    decisions = await conn.fetch("SELECT household_key = $2 AS home, outcome, rule, episode_id IS NOT NULL AS episode"
                                 " FROM decisions WHERE household_key = ANY($1::text[]) ORDER BY seq", keys, home.key)
    signals = await conn.fetch("SELECT household_key = $2 AS home, partner_id, amount, signal_date, closed_on, withdrawn,"
                               " reported_open FROM signals WHERE household_key = ANY($1::text[])"
                               " ORDER BY 1, partner_id, signal_date", keys, home.key)
    announced = await conn.fetch("SELECT household_key = $2 AS home, jsonb_object_keys(announced) AS part,"
                                 " last_event_at IS NOT NULL AS touched FROM households"
                                 " WHERE household_key = ANY($1::text[]) ORDER BY 1, 2", keys, home.key)
    events = await conn.fetch("SELECT headers ->> 'event_type' AS type, key = convert_to($2, 'UTF8') AS home"
                              " FROM outbox WHERE key = ANY($1::bytea[]) ORDER BY seq",
                              [k.encode() for k in keys], home.key)
    closures = await conn.fetch("SELECT closed_on FROM case_closures WHERE household_key = $1", home.key)
    decisions = [(home_, outcome, UUID.sub("<id>", rule), episode) for home_, outcome, rule, episode in decisions]
    return {name: [tuple(r) for r in rows] for name, rows in
            {"decisions": decisions, "signals": signals, "announced": announced, "events": events,
             "closures": closures}.items()}


async def test_a_batch_decides_what_one_by_one_does(conn):
    policies = PolicyBook.open(SERVICE_DIR / "policies")
    one, batch = Household(), Household()
    for event in reports(one):
        async with unit_of_work(conn) as uow:
            await handle_arrears_reported(uow, event, policies)
    async with unit_of_work(conn) as uow:
        outcomes = await handle_arrears_reported_batch(uow, reports(batch), policies=policies)
    assert outcomes[1] == ["HouseholdAtRisk"]
    assert await stored(conn, batch) == await stored(conn, one)

    # The case outreach opened is closed twice (a correction) in one batch: the later date stands.
    case_ids = {home.key: await conn.fetchval("SELECT episode_id FROM decisions WHERE household_key = $1 AND"
                                              " episode_id IS NOT NULL LIMIT 1", home.key) for home in (one, batch)}

    def closes(home: Household) -> list[Any]:
        return [home.event(CaseClosed(case_id=case_ids[home.key], outcome="Geen hulp gewenst", closed_at=now()),
                           "outreach") for _ in range(2)]

    for event in closes(one):
        async with unit_of_work(conn) as uow:
            await handle_case_event(uow, event, policies)
    async with unit_of_work(conn) as uow:
        outcomes = await handle_case_events_batch(uow, closes(batch), policies=policies)
    assert outcomes == [["NothingToDo"], ["NothingToDo"]]
    assert await stored(conn, batch) == await stored(conn, one)


async def test_a_closed_case_of_an_unknown_household_is_noted_as_such(conn):
    policies = PolicyBook.open(SERVICE_DIR / "policies")
    gone = Household()
    closed = gone.event(CaseClosed(case_id=uuid.uuid4(), outcome="Geen hulp gewenst", closed_at=now()), "outreach")
    async with unit_of_work(conn) as uow:
        assert await handle_case_events_batch(uow, [closed], policies=policies) == [["UnknownHousehold"]]


async def test_the_batch_repository_refuses_to_answer_for_a_household_it_did_not_load(conn):
    async with conn.transaction():
        repo = BatchedHouseholdRepository(conn)
        await repo.load([])
        with pytest.raises(NotLoaded):
            await repo.lock(Household().key)
