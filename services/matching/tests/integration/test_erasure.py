"""Erasure: every row about the household goes, and matching says so with counts only."""

import uuid

import httpx

from vroeg_contracts import topics
from vroeg_contracts.events import CaseClosed, ErasureRequested
from vroeg_devtools import bus

from .conftest import TOKEN, eventually, now

TABLES = ("signals", "decisions", "case_closures", "decision_reads", "households")


async def rows_about(db, household_key):
    counts = {t: await db.fetchval(f"SELECT count(*) FROM {t} WHERE household_key = $1", household_key) for t in TABLES}
    counts["outbox"] = await db.fetchval("SELECT count(*) FROM outbox WHERE key = $1", household_key.encode())
    return counts


async def test_erasure_deletes_every_row_of_the_household(matching, db, publish, household, handled, consumed):
    home, neighbour = household(), household()
    rent = home.report("eigen-haard", days_ago=20)
    await publish(rent, neighbour.report("eigen-haard", days_ago=20))
    (opened,) = await handled(rent)
    closed = home.event(CaseClosed(case_id=opened["episode_id"], outcome="Geen hulp gewenst", closed_at=now()), "outreach")
    health = home.report("vgz", days_ago=0)
    await publish(closed, health)
    await handled(health)
    async with httpx.AsyncClient(timeout=30) as client:
        url = f"{matching['matching'].url}/v1/households/{home.key}/decisions"
        assert (await client.get(url, headers={"Authorization": f"Bearer {TOKEN['auditor']}"})).status_code == 200
    before = await rows_about(db, home.key)
    assert all(before[t] for t in TABLES), before

    request = home.event(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"), "consent")
    await publish(request)
    # Other services (a consent process of another test, say) may answer the same request: read ours.
    def ours(records):
        return [e for e in bus.events(records, "ErasureCompleted")
                if e["payload"]["request_id"] == str(request.payload.request_id) and e["payload"]["service"] == "matching"]

    records = await bus.read_topic(topics.ERASURE_COMPLETED, timeout=60, until=lambda rs: bool(ours(rs)))
    (completed,) = ours(records)
    assert completed["causation_id"] == str(request.event_id)
    deleted = completed["payload"]["deleted"]  # counts only, one per table
    assert {t: deleted[t] for t in TABLES} == {t: before[t] for t in TABLES}
    assert 0 <= deleted["outbox"] <= before["outbox"]  # what the relay had not published yet
    # Nothing is left, the answer included once the relay has published it (ADR 0006).
    async def nothing_left():
        return await rows_about(db, home.key) == {**dict.fromkeys(TABLES, 0), "outbox": 0}
    await eventually(nothing_left, what="nothing about the household left, the published answer included")
    assert (await rows_about(db, neighbour.key))["signals"] == 1

    (again,) = await publish(request)  # a redelivered request: nothing to delete, no second answer
    await eventually(lambda: consumed("vroeg-matching-erasure", again), what="the redelivered request consumed")
    # No second answer: none waiting in the outbox, and (read after that) only the first on the bus.
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE key = $1", home.key.encode()) == 0
    assert [e["event_id"] for e in ours(await bus.read_topic(topics.ERASURE_COMPLETED))] == [completed["event_id"]]
