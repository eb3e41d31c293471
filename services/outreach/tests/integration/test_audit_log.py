"""The audit log on the real database: each row carries the municipality of its cases, a reader sees
only their municipalities' rows (and their own rows about no case), and the hash chain stays intact
under concurrent writers and reports the first row someone changed or removed."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
import pytest

from outreach.adapters import audit
from outreach.domain.audit_chain import ChainReport, ChainVerifier
from outreach.handlers.audit_log import audit_entries, verify_chain
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import auth


def someone(role: str = "supervisor", municipalities: tuple[str, ...] | None = None) -> audit.Reader:
    """A reader of their own, so the rows they write are told apart from every other test's."""
    return audit.Reader(f"it-{uuid.uuid4().hex[:10]}", role, municipalities)


async def rows_by(pool: asyncpg.Pool, staff_id: str) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT action, case_ids, municipality_code FROM audit_log WHERE staff_id = $1"
                            " ORDER BY audit_id", staff_id)


async def test_a_record_about_cases_of_two_municipalities_is_one_row_per_municipality(outreach, new_case):
    pool = outreach.runtime.db
    ouder_amstel = (await new_case(send_letter=False)).payload.episode_id
    amstelveen = (await new_case(send_letter=False, municipality_code="0362")).payload.episode_id
    erased = uuid.uuid4()  # a case no longer in the table
    reader = someone()
    await audit.record(pool, reader, "read:cases", [amstelveen, ouder_amstel, erased], "list")
    await audit.record(pool, reader, "sign-in", detail="password")
    await audit.record(pool, reader, "refused:municipality", detail="figures", municipality_code="0362")
    rows = [(r["action"], r["case_ids"], r["municipality_code"]) for r in await rows_by(pool, reader.staff_id)]
    assert rows == [("read:cases", [amstelveen], "0362"), ("read:cases", [ouder_amstel], "0437"),
                    ("read:cases", [erased], None), ("sign-in", [], None), ("refused:municipality", [], "0362")]


async def test_a_reader_sees_only_their_municipalities_and_their_own_rows_about_no_case(api, outreach, new_case):
    pool = outreach.runtime.db
    ouder_amstel = (await new_case(send_letter=False)).payload.episode_id
    amstelveen = (await new_case(send_letter=False, municipality_code="0362")).payload.episode_id
    worker = someone("caseworker", ("0437", "0362"))
    await audit.record(pool, worker, "read:case", [ouder_amstel])
    await audit.record(pool, worker, "read:case", [amstelveen])
    await audit.record(pool, worker, "sign-in")

    async def seen_by(reader: audit.Reader, **filters) -> set[tuple[str, str | None]]:
        async with pooled_unit_of_work(pool) as uow:
            found = await audit_entries(uow, reader=reader, limit=1000, **filters)
        return {(e["action"], e["municipality_code"]) for e in found}

    everything = {("read:case", "0437"), ("read:case", "0362"), ("sign-in", None)}
    assert await seen_by(someone("auditor", None), staff_id=worker.staff_id) == everything
    # An auditor of one municipality: its rows only; another's sign-in is about no case, so not theirs.
    assert await seen_by(someone("auditor", ("0437",)), staff_id=worker.staff_id) == {("read:case", "0437")}
    assert await seen_by(someone("auditor", ("0362",)), case_id=ouder_amstel) == set()
    # The worker, limited to both municipalities, sees their own rows about no case as well.
    assert await seen_by(worker, staff_id=worker.staff_id) == everything
    # Through the API: the token's municipalities (both, for the development auditor).
    response = await api.get(f"/v1/audit?staff_id={worker.staff_id}", headers=auth("auditor"))
    assert {(e["action"], e["municipality_code"]) for e in response.json()} == {("read:case", "0437"),
                                                                                ("read:case", "0362")}




@pytest.fixture
async def superuser(platform):
    """A superuser's connection to outreach's database: it can switch the triggers off, as an
    attacker with full rights could."""
    url = os.environ["VROEG_PG_ADMIN_URL"].rsplit("/", 1)[0] + "/outreach"
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def check(conn: asyncpg.Connection) -> ChainReport:
    verifier = ChainVerifier()
    async for row in audit.chain(conn):
        verifier.feed(row)
    return verifier.report()


async def three_rows(pool: asyncpg.Pool, new_case) -> list[int]:
    """Three fresh rows (one with a name-like detail in another script, one about a case); their ids."""
    case_id = (await new_case(send_letter=False)).payload.episode_id
    reader = someone()
    for case_ids, detail in (([], "Nguyễn | 5:x\nregel"), ([case_id], ""), ([], "")):
        await audit.record(pool, reader, "read:test", case_ids, detail)
    return [r["audit_id"] for r in await pool.fetch("SELECT audit_id FROM audit_log WHERE staff_id = $1 ORDER BY 1",
                                                    reader.staff_id)]


async def tampered(conn: asyncpg.Connection, *statements: str) -> ChainReport:
    """Tamper inside a transaction with the triggers off, check the chain there, then roll back."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            await conn.execute(statement)
        return await check(conn)
    finally:
        await transaction.rollback()


async def test_the_chain_is_intact_and_breaks_at_the_row_changed_or_after_the_row_removed(outreach, new_case,
                                                                                         superuser):
    first, second, third = await three_rows(outreach.runtime.db, new_case)
    before = await check(superuser)
    assert before.intact and before.first_broken is None and before.rows >= 3

    changed = await tampered(superuser, f"UPDATE audit_log SET detail = 'nothing to see' WHERE audit_id = {second}")
    assert (changed.intact, changed.first_broken, changed.rows) == (False, second, before.rows)
    moved = await tampered(superuser, f"UPDATE audit_log SET municipality_code = '0362' WHERE audit_id = {second}")
    assert moved.first_broken == second
    removed = await tampered(superuser, f"DELETE FROM audit_log WHERE audit_id = {second}")
    assert (removed.intact, removed.first_broken) == (False, third)
    rehashed = await tampered(superuser, f"UPDATE audit_log SET detail = 'x', hash = repeat('a', 64) WHERE audit_id = {first}")
    assert rehashed.first_broken == first
    assert (await check(superuser)).intact  # all rolled back


async def test_the_service_cannot_change_or_delete_a_row(outreach, new_case):
    (first, *_) = await three_rows(outreach.runtime.db, new_case)
    for statement in (f"UPDATE audit_log SET detail = 'x' WHERE audit_id = {first}",
                      f"DELETE FROM audit_log WHERE audit_id = {first}", "TRUNCATE audit_log"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await outreach.runtime.db.execute(statement)


async def test_the_auditor_sees_the_break_through_the_api_and_it_is_audited(api, outreach, new_case, superuser):
    first, second, third = await three_rows(outreach.runtime.db, new_case)
    intact = await api.get("/v1/audit/verify", headers=auth("auditor"))
    assert intact.status_code == 200 and intact.json()["intact"] is True and intact.json()["first_broken"] is None
    assert intact.json()["rows"] >= 3
    assert (await api.get("/v1/audit/verify", headers=auth("caseworker"))).status_code == 403

    original = await superuser.fetchval(f"SELECT detail FROM audit_log WHERE audit_id = {second}")
    change = "UPDATE audit_log SET detail = $1 WHERE audit_id = $2"
    async with superuser.transaction():
        await superuser.execute("SET LOCAL session_replication_role = replica")
        await superuser.execute(change, "edited by hand", second)
    try:
        broken = (await api.get("/v1/audit/verify", headers=auth("auditor"))).json()
        assert broken == {"intact": False, "rows": broken["rows"], "first_broken": second}
        assert broken["rows"] > intact.json()["rows"]  # the first check was written down, and counts
    finally:
        async with superuser.transaction():  # put it back, so the rest of the session's log is intact
            await superuser.execute("SET LOCAL session_replication_role = replica")
            await superuser.execute(change, original, second)
    assert (await api.get("/v1/audit/verify", headers=auth("auditor"))).json()["intact"] is True
    checks = await outreach.runtime.db.fetch(
        "SELECT detail FROM audit_log WHERE action = 'read:audit-chain' AND staff_id = 'au-daan'"
        " ORDER BY audit_id DESC LIMIT 3")
    assert [c["detail"] for c in checks] == ["intact", f"broken at {second}", "intact"]


async def test_concurrent_writers_still_make_one_chain(outreach, new_case):
    pool = outreach.runtime.db
    case_ids = [(await new_case(send_letter=False, municipality_code=code)).payload.episode_id
                for code in ("0437", "0362")]
    readers = [someone() for _ in range(6)]

    async def write(reader: audit.Reader, n: int) -> None:
        async with pooled_unit_of_work(pool) as uow:  # each in a transaction, as the use cases write
            await audit.record(uow.conn, reader, "read:cases", case_ids, str(n))
            await asyncio.sleep(0.001 * (n % 3))  # hold the lock a moment, as a slower unit would

    await asyncio.gather(*(write(reader, n) for n in range(8) for reader in readers))
    written = await pool.fetchval("SELECT count(*) FROM audit_log WHERE staff_id = ANY($1::text[])",
                                  [r.staff_id for r in readers])
    assert written == 6 * 8 * 2  # one row per municipality each time
    async with pooled_unit_of_work(pool) as uow:
        report = await verify_chain(uow, reader=someone("auditor"))
    assert report.intact, report
