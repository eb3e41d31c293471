"""An invalid optional contact detail loses no signal: the report is accepted without it, the signal
is stored and published without it, and the partner is warned (in the HTTP answer and on its
rejections topic) with the field and the reason, never the value. Amounts travel with two decimals."""

import json
import os
from pathlib import Path

from intake.adapters.incoming import json_report
from intake.bootstrap import connect, dependencies
from intake.config import SERVICE_DIR, IntakeSettings
from intake.handlers.replay import replay_rejection
from intake.handlers.take_report import Sent, take_report
from vroeg_contracts import topics
from vroeg_contracts.privacy import SealedContact, unseal
from vroeg_runtime.unit_of_work import unit_of_work

BAD_PHONE = "0612 bel me"


def outreach_keys() -> dict[str, bytes]:
    keys_dir = Path(os.environ["VROEG_KEYS_DIR"])
    return {p.stem.removeprefix("outreach-"): bytes.fromhex(p.read_text().strip())
            for p in keys_dir.glob("outreach-*.key")}


async def in_one_unit(settings: IntakeSettings, step):
    """Run `step(uow, intake)` in one unit of work of an intake built with `settings`."""
    intake = dependencies(settings)
    conn = await connect(intake.settings)
    try:
        async with unit_of_work(conn) as uow:
            return await step(uow, intake)
    finally:
        await conn.close()


async def warnings_in_outbox(intake_db, report_id: str) -> list[dict]:
    rows = await intake_db.fetch(
        "SELECT topic, key, convert_from(payload, 'UTF8')::jsonb AS message FROM outbox"
        " WHERE headers ->> 'event_type' = 'ReportAcceptedWithWarnings'"
        " AND convert_from(payload, 'UTF8')::jsonb ->> 'report_id' = $1 ORDER BY seq", report_id)
    return [{"topic": r["topic"], "key": bytes(r["key"]).decode(), **json.loads(r["message"])} for r in rows]


async def test_a_bad_phone_is_left_out_with_a_warning_and_the_signal_goes_on(http_intake, intake_db, outbox, residents):
    client = {**residents.client(), "phone": BAD_PHONE}
    report = residents.report("eigen-haard", "rent", client, amount="89.5")
    response = await http_intake.post(report)

    assert response.status_code == 200
    answer, = response.json()["reports"]
    assert (answer["status"], answer["change"], answer["reasons"]) == ("accepted", "new", [])
    assert [w["field"] for w in answer["warnings"]] == ["client.phone"]
    assert answer["warnings"][0]["reason"] == "not a valid phone number"

    # Stored without the phone, and the warning with it.
    signal = await intake_db.fetchrow("SELECT report, warnings FROM signals WHERE report_id = $1", report["report_id"])
    stored = json.loads(signal["report"])
    assert stored["client"]["phone"] is None and stored["client"]["email"] == client["email"]
    assert json.loads(signal["warnings"]) == answer["warnings"]

    # ArrearsReported goes on to matching as usual: without the phone, the amount with two decimals.
    published, = await outbox.arrears_reported(report["report_id"])
    assert published["topic"] == topics.ARREARS_REPORTED
    assert published["payload"]["amount"] == "89.50"
    contact = unseal(SealedContact.model_validate(published["payload"]["contact"]), outreach_keys())
    assert contact.phone is None and contact.surname == client["surname"]

    # The partner hears of it on its rejections topic: accepted, the field and reason, never the value.
    warning, = await warnings_in_outbox(intake_db, report["report_id"])
    assert (warning["topic"], warning["key"]) == (topics.partner_rejections("eigen-haard"), report["report_id"])
    assert warning["message_type"] == "ReportAcceptedWithWarnings" and warning["channel"] == "http"
    assert warning["reasons"] == answer["warnings"]
    assert "bel me" not in json.dumps(warning) and not await outbox.rejections(report["report_id"])


async def test_the_same_report_again_is_a_duplicate_that_still_names_the_warning(http_intake, intake_db, outbox,
                                                                                  residents):
    report = residents.report("eigen-haard", "rent", residents.client(email="kapot@@example.nl"))
    await http_intake.post(report)
    written = await outbox.written()
    answer, = (await http_intake.post(report)).json()["reports"]
    assert (answer["status"], answer["change"]) == ("accepted", "duplicate")
    assert [w["field"] for w in answer["warnings"]] == ["client.email"]
    assert await outbox.written() == written

    # A correction with a good address is an update that clears the warning.
    corrected = {**report, "client": {**report["client"], "email": "goed@example.nl"}}
    answer, = (await http_intake.post(corrected)).json()["reports"]
    assert (answer["change"], answer["warnings"]) == ("updated", [])
    assert await intake_db.fetchval("SELECT warnings FROM signals WHERE report_id = $1", report["report_id"]) == "[]"
    assert len(await warnings_in_outbox(intake_db, report["report_id"])) == 1


async def test_a_csv_row_with_a_bad_phone_is_accepted_with_a_warning(http_intake, intake_db, residents):
    report = residents.report("eigen-haard", "rent", {**residents.client(), "phone": "12"}, amount="1200")
    flat = {"report_id": report["report_id"], "partner_id": "eigen-haard"} | report["arrears"] | report["client"]
    body = ";".join(flat) + "\n" + ";".join(str(v) for v in flat.values()) + "\n"
    answer, = (await http_intake.post(body.encode(), content_type="text/csv")).json()["reports"]
    assert answer["status"] == "accepted" and [w["field"] for w in answer["warnings"]] == ["client.phone"]
    assert await intake_db.fetchval("SELECT report #>> '{arrears,amount}' FROM signals WHERE report_id = $1",
                                    report["report_id"]) == "1200.00"


async def test_a_strict_field_still_refuses_the_report_and_names_the_phone_too(http_intake, outbox, residents):
    report = residents.report("eigen-haard", "rent", {**residents.client(bsn="123456789"), "phone": BAD_PHONE})
    answer, = (await http_intake.post(report)).json()["reports"]
    assert answer["status"] == "rejected" and answer["warnings"] == []
    assert {r["field"] for r in answer["reasons"]} == {"client.phone", "client.bsn"}
    assert not await outbox.arrears_reported(report["report_id"])


async def test_a_replayed_rejection_is_accepted_with_the_warning(tmp_path, residents, intake_db, outbox):
    """A report refused for its category and its phone (as every bad phone was before) is accepted
    on replay once the category is allowed, without the phone, and the partner is warned."""
    text = (SERVICE_DIR / "config" / "partners.toml").read_text()
    allowed = tmp_path / "partners-energy.toml"
    allowed.write_text(text.replace('categories = ["rent"]', 'categories = ["rent", "energy"]', 1))
    report = residents.report("eigen-haard", "energy", {**residents.client(), "phone": BAD_PHONE})
    sent = Sent(json_report(json.dumps(report).encode()), "eigen-haard", "test")
    refused = await in_one_unit(IntakeSettings(), lambda uow, intake: take_report(uow, intake, sent, channel="kafka"))
    replayed = await in_one_unit(IntakeSettings(partners_file=allowed),
                                 lambda uow, intake: replay_rejection(uow, intake, refused.rejection_id))
    assert {r.field for r in refused.reasons} == {"client.phone", "arrears.category"}
    assert replayed.outcome.status == "accepted"
    assert [w.field for w in replayed.outcome.warnings] == ["client.phone"]
    warning, = await warnings_in_outbox(intake_db, report["report_id"])
    assert warning["channel"] == "replay"
    published, = await outbox.arrears_reported(report["report_id"])
    assert published["payload"]["category"] == "energy"
