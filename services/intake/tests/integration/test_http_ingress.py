"""`POST /v1/reports` on the real database: JSON objects, arrays and CSV; an answer per report; the
same delivery again changes nothing; resolves publish; every rejection is stored and sent back."""

import uuid

from vroeg_contracts import topics

from .conftest import flat_csv


async def test_one_json_report_is_accepted_and_published(http_intake, outbox, residents):
    report = residents.report("eigen-haard", "rent", residents.client())
    response = await http_intake.post(report)
    assert response.status_code == 200
    answer = response.json()
    assert answer["partner_id"] == "eigen-haard" and answer["accepted"] == 1
    assert answer["reports"] == [{"index": 0, "line": None, "report_id": report["report_id"], "status": "accepted",
                                  "change": "new", "reasons": [], "warnings": [], "rejection_id": None}]
    published, = await outbox.arrears_reported(report["report_id"])
    assert published["topic"] == topics.ARREARS_REPORTED
    assert published["payload"]["status"] == "open"


async def test_an_array_is_answered_report_by_report(http_intake, outbox, residents):
    good = residents.report("eigen-haard", "rent", residents.client())
    bad_postcode = residents.report("eigen-haard", "rent", residents.client(postcode="0000 XX"))
    not_allowed = residents.report("eigen-haard", "water", residents.client())
    someone_elses = residents.report("waternet", "water", residents.client())
    response = await http_intake.post([good, bad_postcode, not_allowed, someone_elses, "not a report"])
    assert response.status_code == 200
    answers = response.json()["reports"]
    assert [(a["index"], a["status"]) for a in answers] == [
        (0, "accepted"), (1, "rejected"), (2, "rejected"), (3, "rejected"), (4, "rejected")]
    assert [[r["field"] for r in a["reasons"]] for a in answers[1:]] == [
        ["client.postcode"], ["arrears.category"], ["partner_id", "arrears.category"], ["(report)"]]
    # The token's partner hears of every rejection on its own topic, with the same reasons.
    for answer, report in zip(answers[1:4], (bad_postcode, not_allowed, someone_elses), strict=True):
        message, = await outbox.rejections(report["report_id"])
        assert message["topic"] == topics.partner_rejections("eigen-haard")
        assert message["rejection_id"] == answer["rejection_id"]
        assert message["reasons"] == answer["reasons"] and message["channel"] == "http"
    assert not await outbox.arrears_reported(someone_elses["report_id"])


async def test_csv_with_semicolons_bom_and_decimal_comma(http_intake, outbox, residents):
    reports = [residents.report("eigen-haard", "rent", residents.client(), amount="1250,75") for _ in range(2)]
    body = "\ufeff" + flat_csv(reports, ";") + "kapot;rij\n"
    response = await http_intake.post(body.encode(), content_type="text/csv; charset=utf-8")
    assert response.status_code == 200
    answers = response.json()["reports"]
    assert [(a["line"], a["status"]) for a in answers] == [(2, "accepted"), (3, "accepted"), (4, "rejected")]
    assert [r["field"] for r in answers[2]["reasons"]] == ["(row)"]
    published, = await outbox.arrears_reported(reports[0]["report_id"])
    assert published["payload"]["amount"] == "1250.75"


async def test_the_same_delivery_again_gets_the_same_answer_and_changes_nothing(http_intake, outbox, residents):
    batch = [residents.report("eigen-haard", "rent", residents.client()),
             residents.report("eigen-haard", "rent", residents.client(bsn="123456789"))]
    first = (await http_intake.post(batch)).json()["reports"]
    written = await outbox.written()
    second = (await http_intake.post(batch)).json()["reports"]
    assert await outbox.written() == written
    assert [(a["status"], a["reasons"], a["rejection_id"]) for a in second] == [
        (a["status"], a["reasons"], a["rejection_id"]) for a in first]
    assert [a["change"] for a in second] == ["duplicate", None]
    csv_body = flat_csv(batch).encode()
    written = await outbox.written()
    again = (await http_intake.post(csv_body, content_type="text/csv")).json()["reports"]
    assert [a["status"] for a in again] == ["accepted", "rejected"]
    assert (await http_intake.post(csv_body, content_type="text/csv")).json()["reports"] == again
    assert await outbox.written() == written + 1  # the CSV form of the bad row is its own bytes: one new rejection


async def test_a_resolve_publishes_the_change_once(http_intake, outbox, residents):
    report = residents.report("eigen-haard", "rent", residents.client())
    await http_intake.post(report)
    resolve = {**report, "arrears": {**report["arrears"], "status": "resolved"}}
    del resolve["client"]  # a resolve may leave out the client
    assert (await http_intake.post(resolve)).json()["reports"][0]["change"] == "updated"
    assert (await http_intake.post(resolve)).json()["reports"][0]["change"] == "duplicate"
    assert (await http_intake.post(report)).json()["reports"][0]["change"] == "duplicate"  # the old version again
    published = await outbox.arrears_reported(report["report_id"])
    assert [p["payload"]["status"] for p in published] == ["open", "resolved"]
    assert len({p["payload"]["signal_id"] for p in published}) == 1


async def test_a_withdrawal_publishes_and_a_reopening_is_refused(http_intake, outbox, residents):
    report = residents.report("eigen-haard", "rent", residents.client())
    await http_intake.post(report)
    withdrawn = residents.report("eigen-haard", "rent", report["client"], report_id=report["report_id"], status="withdrawn")
    assert (await http_intake.post(withdrawn)).json()["reports"][0]["change"] == "updated"
    reopened = {**report, "arrears": {**report["arrears"], "amount": "999.00"}}
    answer = (await http_intake.post(reopened)).json()["reports"][0]
    assert answer["status"] == "rejected" and [r["field"] for r in answer["reasons"]] == ["arrears.status"]
    assert [p["payload"]["status"] for p in await outbox.arrears_reported(report["report_id"])] == ["open", "withdrawn"]


async def test_a_change_to_an_immutable_field_is_refused(http_intake, outbox, residents):
    report = residents.report("eigen-haard", "rent", residents.client())
    await http_intake.post(report)
    moved = {**report, "client": {**report["client"], "house_number": report["client"]["house_number"] + 1000}}
    answer = (await http_intake.post(moved)).json()["reports"][0]
    assert answer["status"] == "rejected"
    assert [r["field"] for r in answer["reasons"]] == ["client.house_number"]
    assert len(await outbox.arrears_reported(report["report_id"])) == 1


async def test_a_body_that_is_not_json_is_stored_and_answered_400(http_intake, intake_db):
    body = b'{"report_id": "broken-' + uuid.uuid4().hex.encode() + b'", '
    response = await http_intake.post(body, content_type="application/json")
    assert response.status_code == 400
    answer, = response.json()["reports"]
    assert answer["status"] == "rejected" and answer["reasons"][0]["field"] == "(body)"
    stored = await intake_db.fetchrow(
        "SELECT r.payload, r.channel, j.reasons FROM rejections j JOIN raw_reports r USING (raw_report_id)"
        " WHERE j.rejection_id = $1", uuid.UUID(answer["rejection_id"]))
    assert (bytes(stored["payload"]), stored["channel"]) == (body, "http")


async def test_an_empty_array_is_an_empty_answer(http_intake):
    response = await http_intake.post([])
    assert response.status_code == 200 and response.json()["reports"] == []
