"""Two municipalities on one installation: a partner reports only for the municipalities it is
registered with. A report for another, or for a municipality the installation does not serve, is
refused like any other bad report: answered with the field and the reason, stored with its raw
bytes, and accepted on replay once the partner is registered for it."""

import json
import uuid

from intake.bootstrap import connect, dependencies
from intake.config import SERVICE_DIR, IntakeSettings
from intake.handlers.replay import replay_rejection
from vroeg_runtime.unit_of_work import unit_of_work

from .conftest import flat_csv

NOT_FOR_AMSTELVEEN = {"field": "arrears.municipality_code",
                      "reason": "partner 'waternet' does not report for municipality 0362 (it reports for 0437)"}


def for_municipality(report, code):
    report["arrears"]["municipality_code"] = code
    return report


async def signal_municipality(intake_db, partner_id, report_id):
    """The municipality of the signal intake holds for a report; None when it accepted none. (The
    outbox is no witness: the relay deletes what it published.)"""
    return await intake_db.fetchval("SELECT municipality_code FROM signals WHERE partner_id = $1 AND report_id = $2",
                                    partner_id, report_id)


async def stored_rejection(intake_db, rejection_id):
    """The rejection as intake keeps it, with the raw bytes it refused."""
    return await intake_db.fetchrow(
        "SELECT j.partner_id, j.report_id, j.reasons, r.payload, r.channel, r.media_type"
        " FROM rejections j JOIN raw_reports r USING (raw_report_id) WHERE j.rejection_id = $1",
        uuid.UUID(rejection_id))


async def test_a_partner_not_registered_for_the_municipality_is_refused_and_the_bytes_kept(
        http_intake, intake_db, residents):
    report = for_municipality(residents.report("waternet", "water", residents.client(city="Amstelveen")), "0362")
    body = json.dumps(report).encode()
    answer, = (await http_intake.post(body, partner="waternet", content_type="application/json")).json()["reports"]
    assert (answer["status"], answer["reasons"]) == ("rejected", [NOT_FOR_AMSTELVEEN])

    stored = await stored_rejection(intake_db, answer["rejection_id"])
    assert bytes(stored["payload"]) == body
    assert (stored["partner_id"], stored["report_id"], stored["channel"]) == ("waternet", report["report_id"], "http")
    assert json.loads(stored["reasons"]) == [NOT_FOR_AMSTELVEEN]
    assert await signal_municipality(intake_db, "waternet", report["report_id"]) is None


async def test_a_partner_reports_for_the_municipalities_it_is_registered_with(http_intake, intake_db, residents):
    for partner, category, code in (("ymere", "rent", "0362"), ("vgz", "health_insurance", "0362"),
                                    ("vgz", "health_insurance", "0437"), ("waternet", "water", "0437")):
        report = for_municipality(residents.report(partner, category, residents.client()), code)
        answer, = (await http_intake.post(report, partner=partner)).json()["reports"]
        assert (answer["status"], answer["change"]) == ("accepted", "new"), answer
        assert await signal_municipality(intake_db, partner, report["report_id"]) == code


async def test_csv_rows_for_a_municipality_not_served_are_refused_row_by_row(http_intake, intake_db, residents):
    served = residents.report("ymere", "rent", residents.client())
    rows = [for_municipality(served, "0362"),
            for_municipality(residents.report("ymere", "rent", residents.client()), "0437"),   # not Ymere's
            for_municipality(residents.report("ymere", "rent", residents.client()), "0363")]   # nobody's here
    body = flat_csv(rows, ";")
    answers = (await http_intake.post(body.encode(), partner="ymere", content_type="text/csv")).json()["reports"]
    assert [a["status"] for a in answers] == ["accepted", "rejected", "rejected"]
    assert [a["reasons"] for a in answers[1:]] == [
        [{"field": "arrears.municipality_code",
          "reason": "partner 'ymere' does not report for municipality 0437 (it reports for 0362)"}],
        [{"field": "arrears.municipality_code", "reason": "municipality 0363 is not served by this installation"}]]
    header, *lines = body.splitlines(keepends=True)
    for answer, line in zip(answers[1:], lines[1:], strict=True):
        stored = await stored_rejection(intake_db, answer["rejection_id"])
        assert (bytes(stored["payload"]).decode(), stored["media_type"]) == (header + line, "text/csv")
        assert json.loads(stored["reasons"]) == answer["reasons"]
    assert await signal_municipality(intake_db, "ymere", served["report_id"]) == "0362"


def registered_for_amstelveen(tmp_path):
    """The development partners, with waternet registered for Amstelveen too."""
    waternet = 'categories = ["water"]\nmunicipalities = ["0437"]'
    text = (SERVICE_DIR / "config" / "partners.toml").read_text()
    assert waternet in text
    path = tmp_path / "partners.toml"
    path.write_text(text.replace(waternet, 'categories = ["water"]\nmunicipalities = ["0437", "0362"]'))
    return path


async def test_a_refused_report_is_accepted_on_replay_once_the_partner_is_registered(
        tmp_path, http_intake, intake_db, residents):
    report = for_municipality(residents.report("waternet", "water", residents.client()), "0362")
    answer, = (await http_intake.post(report, partner="waternet")).json()["reports"]
    assert answer["reasons"] == [NOT_FOR_AMSTELVEEN]

    unchanged = dependencies(IntakeSettings(kafka_ingress=False))
    registered = dependencies(IntakeSettings(kafka_ingress=False, partners_file=registered_for_amstelveen(tmp_path)))
    conn = await connect(registered.settings)
    try:
        async with unit_of_work(conn) as uow:
            still = await replay_rejection(uow, unchanged, uuid.UUID(answer["rejection_id"]))
        async with unit_of_work(conn) as uow:
            replayed = await replay_rejection(uow, registered, uuid.UUID(answer["rejection_id"]))
    finally:
        await conn.close()
    assert (still.outcome.status, [r.as_dict() for r in still.outcome.reasons]) == ("rejected", [NOT_FOR_AMSTELVEEN])
    assert replayed.outcome.status == "accepted"
    assert await signal_municipality(intake_db, "waternet", report["report_id"]) == "0362"
    assert await intake_db.fetchval("SELECT replayed_at IS NOT NULL FROM rejections WHERE rejection_id = $1",
                                    uuid.UUID(answer["rejection_id"]))
