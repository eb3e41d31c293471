"""A batch taken at once (`take_reports`, the Kafka path) answers and stores exactly what the same
reports taken one by one do, including reports that depend on earlier ones in the same batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intake.adapters.batch_repository import BatchedReportRepository, NotLoaded
from intake.adapters.incoming import json_report
from intake.bootstrap import connect, dependencies
from intake.config import IntakeSettings
from intake.handlers.take_report import Sent, take_report, take_reports
from vroeg_runtime.unit_of_work import unit_of_work


def scenario(residents, run: str) -> list[tuple[str, bytes]]:
    """(sender, bytes): a report, its copy, its update, bad bytes twice, and the like."""
    client = residents.client()
    first = residents.report("eigen-haard", "rent", client, report_id=f"{run}-a")
    updated = {**first, "arrears": {**first["arrears"], "amount": "300.00"}}
    resolved = {**first, "arrears": {**first["arrears"], "status": "resolved"}, "client": None}
    reopened = {**first, "arrears": {**first["arrears"], "status": "open", "amount": "999.00"}}
    bad_postcode = residents.report("eigen-haard", "rent", residents.client(postcode="0000 XX"), report_id=f"{run}-b")
    other = residents.report("eigen-haard", "rent", residents.client(), report_id=f"{run}-c")
    foreign = residents.report("vgz", "health_insurance", residents.client(), report_id=f"{run}-d")
    bad_phone = residents.report("eigen-haard", "rent", {**residents.client(), "phone": "bel maar"}, report_id=f"{run}-e")
    as_bytes = [json.dumps(r).encode() for r in (first, first, updated, bad_postcode, bad_postcode, other, first,
                                                 resolved, reopened, foreign, bad_phone, bad_phone)]
    return [("eigen-haard", raw) for raw in as_bytes] + [("eigen-haard", f"not json {run}".encode())]


def summary(outcome) -> tuple[Any, ...]:
    return (outcome.status, outcome.change, tuple(r.field for r in outcome.reasons),
            tuple(w.field for w in outcome.warnings), outcome.signal_id is not None, outcome.rejection_id is not None)


async def stored(conn, run: str) -> dict[str, Any]:
    """What intake holds for the run, with the run's name taken out of the report ids."""
    signals = await conn.fetch("SELECT report_id, status, cardinality(versions) AS versions,"
                               " report #>> '{arrears,amount}' AS amount, warnings FROM signals WHERE report_id LIKE $1"
                               " ORDER BY report_id", f"{run}-%")
    rejections = await conn.fetch("SELECT report_id, reasons FROM rejections WHERE report_id LIKE $1 ORDER BY report_id",
                                  f"{run}-%")
    raws = await conn.fetchval("SELECT count(*) FROM raw_reports WHERE report_id LIKE $1", f"{run}-%")
    events = await conn.fetch(
        "SELECT headers ->> 'event_type' AS type, count(*) FROM outbox"
        " WHERE convert_from(payload, 'UTF8') LIKE $1 GROUP BY 1 ORDER BY 1", f"%{run}-%")
    short = lambda report_id: report_id.removeprefix(f"{run}-")  # noqa: E731
    return {"signals": [(short(r["report_id"]), r["status"], r["versions"], r["amount"], r["warnings"])
                        for r in signals],
            "rejections": [(short(r["report_id"]), r["reasons"]) for r in rejections],
            "raw_reports": raws, "events": [tuple(r) for r in events]}


async def test_a_batch_answers_and_stores_what_one_by_one_does(residents, intake_db):
    intake = dependencies(IntakeSettings())
    one_run, batch_run = f"one{residents.run}", f"bat{residents.run}"
    conn = await connect(intake.settings)
    # Rolled back at the end, so no intake process started later publishes the test's events.
    everything = conn.transaction()
    await everything.start()
    try:
        one_by_one = []
        for sender, raw in scenario(residents, one_run):
            async with unit_of_work(conn) as uow:
                one_by_one.append(await take_report(uow, intake, Sent(json_report(raw), sender, "test"), channel="kafka"))
        async with unit_of_work(conn) as uow:
            batch = [Sent(json_report(raw), sender, "test") for sender, raw in scenario(residents, batch_run)]
            at_once = await take_reports(uow, intake, batch, channel="kafka")
        assert [summary(o) for o in at_once] == [summary(o) for o in one_by_one]
        assert [o.change for o in at_once if o.change] == ["new", "duplicate", "updated", "new", "duplicate",
                                                          "updated", "new", "duplicate"]
        # The report with a bad phone is taken without it, and answered with a warning, also as a duplicate.
        assert [[w.field for w in o.warnings] for o in at_once[-3:-1]] == [["client.phone"]] * 2
        assert await stored(conn, batch_run) == await stored(conn, one_run)

        # Taken again, a batch changes nothing: the same answers, nothing new stored.
        before = await stored(conn, batch_run)
        async with unit_of_work(conn) as uow:
            again = await take_reports(uow, intake, batch, channel="kafka")
        assert [o.status for o in again] == [o.status for o in at_once]
        assert {o.change for o in again if o.change} == {"duplicate"}
        assert await stored(conn, batch_run) == before
    finally:
        await everything.rollback()
        await conn.close()


async def test_the_batch_repository_refuses_to_answer_for_what_it_did_not_load(residents, intake_db):
    """Rather than guess (and take a held report as new), it raises, and the consumer falls back to
    taking the batch's records one by one."""
    intake = dependencies(IntakeSettings())
    report = residents.report("eigen-haard", "rent", residents.client())
    conn = await connect(intake.settings)
    try:
        async with conn.transaction():
            repo = BatchedReportRepository(conn)
            await repo.load(reports=[], raws=[])
            with pytest.raises(NotLoaded):
                await repo.signal_for_update("eigen-haard", report["report_id"])
    finally:
        await conn.close()
