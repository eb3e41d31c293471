"""Replaying stored rejections once the cause is fixed: a partner is allowed a new category, and its
refused reports (from JSON and from CSV) are accepted on replay; what is still wrong is refused
again with the reasons that remain."""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

from intake.adapters.incoming import csv_reports, json_report
from intake.bootstrap import connect, dependencies
from intake.config import SERVICE_DIR, IntakeSettings
from intake.handlers.take_report import Sent, take_report
from vroeg_runtime.unit_of_work import unit_of_work


def partners_file(tmp_path, energy: bool):
    """The development partners, with eigen-haard allowed to report energy or not."""
    text = (SERVICE_DIR / "config" / "partners.toml").read_text()
    allowed = '["rent", "energy"]' if energy else '["rent"]'
    path = tmp_path / f"partners-{energy}.toml"
    path.write_text(text.replace('categories = ["rent"]', f"categories = {allowed}", 1))
    return path


def replay(*args, partners):
    done = subprocess.run([sys.executable, "-m", "intake", "replay", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "INTAKE_PARTNERS_FILE": str(partners)})
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_rejections_are_accepted_on_replay_once_the_cause_is_fixed(tmp_path, residents, intake_db, outbox):
    started = datetime.now(UTC)
    intake = dependencies(IntakeSettings(partners_file=partners_file(tmp_path, energy=False)))
    energy = residents.report("eigen-haard", "energy", residents.client())
    energy_and_postcode = residents.report("eigen-haard", "energy", residents.client(postcode="0000 XX"))
    csv_row = residents.report("eigen-haard", "energy", residents.client())
    flat = {"report_id": csv_row["report_id"], "partner_id": "eigen-haard"} | csv_row["arrears"] | csv_row["client"]
    csv_text = ";".join(flat) + "\n" + ";".join(str(v) for v in flat.values()) + "\n"
    incoming = [json_report(json.dumps(energy).encode()), json_report(json.dumps(energy_and_postcode).encode()),
                *csv_reports([line.encode() for line in csv_text.splitlines(keepends=True)])]
    conn = await connect(intake.settings)
    try:
        outcomes = []
        for report in incoming:
            async with unit_of_work(conn) as uow:
                outcomes.append(await take_report(uow, intake, Sent(report, "eigen-haard", "test"), channel="kafka"))
    finally:
        await conn.close()
    assert [[r.field for r in o.reasons] for o in outcomes] == [
        ["arrears.category"], ["client.postcode", "arrears.category"], ["arrears.category"]]

    listed = replay("--list", "--partner", "eigen-haard", "--since", started.isoformat(),
                    partners=partners_file(tmp_path, energy=False))
    assert all(str(o.rejection_id) in listed for o in outcomes)

    fixed = partners_file(tmp_path, energy=True)
    ids = [arg for o in outcomes for arg in ("--rejection", str(o.rejection_id))]
    out = replay(*ids, partners=fixed)
    assert out.splitlines()[-1] == "3 replayed: 2 accepted, 1 still rejected"
    for report in (energy, csv_row):
        published, = await outbox.arrears_reported(report["report_id"])
        assert published["payload"]["category"] == "energy"
    replayed = {row["rejection_id"]: row for row in await intake_db.fetch(
        "SELECT rejection_id, replayed_at, replayed_signal_id, reasons FROM rejections WHERE rejection_id = ANY($1)",
        [o.rejection_id for o in outcomes])}
    assert replayed[outcomes[0].rejection_id]["replayed_at"] is not None
    assert replayed[outcomes[2].rejection_id]["replayed_signal_id"] is not None
    still = replayed[outcomes[1].rejection_id]
    assert still["replayed_at"] is None
    assert [r["field"] for r in json.loads(still["reasons"])] == ["client.postcode"]
    # The partner hears the remaining reason on its topic; replaying again changes nothing more.
    messages = await outbox.rejections(energy_and_postcode["report_id"])
    assert [[r["field"] for r in m["reasons"]] for m in messages] == [["client.postcode", "arrears.category"],
                                                                       ["client.postcode"]]
    assert messages[-1]["channel"] == "replay"
    written = await outbox.written()
    assert replay(*ids, partners=fixed).splitlines()[-1] == "3 replayed: 2 accepted, 1 still rejected"
    assert await outbox.written() == written
    # The partner sending the replayed report again gets it accepted (as seen before), not refused.
    intake = dependencies(IntakeSettings(partners_file=fixed))
    conn = await connect(intake.settings)
    try:
        async with unit_of_work(conn) as uow:
            again = await take_report(uow, intake, Sent(incoming[0], "eigen-haard", "test"), channel="kafka")
    finally:
        await conn.close()
    assert (again.status, again.change.value) == ("accepted", "duplicate")


def test_an_unknown_rejection_is_said_so(platform):
    unknown = uuid.uuid4()
    out = replay("--rejection", str(unknown), partners=SERVICE_DIR / "config" / "partners.toml")
    assert f"{unknown}: no such rejection" in out
