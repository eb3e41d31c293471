"""Excel workbooks over HTTP answered exactly like the same rows as CSV, and the answers a partner
reads back over HTTP (`GET /v1/rejections`, `GET /v1/feedback`): only its own, newest first, every
item once across the pages."""

import csv
import io
import uuid
from datetime import UTC, datetime

from openpyxl import Workbook

from intake.handlers.partner_answers import record_feedback, record_feedback_batch
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import flat_csv

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(csv_text: str) -> bytes:
    """The rows of a CSV file as an .xlsx workbook of text cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in csv.reader(io.StringIO(csv_text)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bad_phone(client):
    return client | {"phone": "kapot"}


def mixed_rows(residents, partner="eigen-haard"):
    return [residents.report(partner, "rent", residents.client()),
            residents.report(partner, "rent", residents.client(postcode="0000 XX")),
            residents.report(partner, "water", residents.client()),
            residents.report(partner, "rent", bad_phone(residents.client())),
            residents.report(partner, "rent", residents.client(), amount="-3.00")]


def comparable(answer):
    return [(a["line"], a["report_id"], a["status"], a["change"], a["reasons"], a["warnings"])
            for a in answer["reports"]]


async def test_a_workbook_gets_the_same_answers_as_the_same_rows_as_csv(http_intake, residents):
    reports = mixed_rows(residents)
    text = flat_csv(reports)
    as_workbook = await http_intake.post(workbook_of(text), content_type=XLSX)
    assert as_workbook.status_code == 200, as_workbook.text
    answer = as_workbook.json()
    assert [a["status"] for a in answer["reports"]] == ["accepted", "rejected", "rejected", "accepted", "rejected"]
    assert [a["line"] for a in answer["reports"]] == [2, 3, 4, 5, 6]
    # The same rows as CSV: the same answers (the accepted ones seen before, the refused ones the same
    # bytes, since a workbook's row is kept as the CSV text of the row).
    as_csv = (await http_intake.post(text.encode(), content_type="text/csv")).json()
    assert [(line, rid, status, reasons, warnings) for line, rid, status, _, reasons, warnings in comparable(as_csv)] == [
        (line, rid, status, reasons, warnings) for line, rid, status, _, reasons, warnings in comparable(answer)]
    assert [a["rejection_id"] for a in as_csv["reports"]] == [a["rejection_id"] for a in answer["reports"]]
    # And a fresh set of rows sent first as CSV, then as a workbook, gets the same answers too.
    fresh = flat_csv(mixed_rows(residents))
    first = (await http_intake.post(fresh.encode(), content_type="text/csv")).json()
    second = (await http_intake.post(workbook_of(fresh), content_type=XLSX)).json()
    assert comparable(second) == [(*a[:3], "duplicate" if a[2] == "accepted" else None, *a[4:]) for a in comparable(first)]


async def test_a_file_that_is_no_workbook_is_answered_400(http_intake):
    response = await http_intake.post(b"PK\x03\x04" + uuid.uuid4().bytes, content_type=XLSX)
    assert response.status_code == 400
    rejected, = response.json()["reports"]
    assert [r["field"] for r in rejected["reasons"]] == ["(body)"]


async def read_all(http_intake, path, partner, limit):
    items, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await http_intake.client.get(path, params=params, headers={"Authorization": f"Bearer dev-token-{partner}"})
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["partner_id"] == partner and len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


async def test_a_partner_reads_its_own_rejections_and_warnings_page_by_page(http_intake, residents):
    # ymere is used here alone: every answer it has is one this test caused.
    reports = [residents.report("ymere", "rent", residents.client(postcode="0000 XX"), municipality_code="0362")
               for _ in range(5)]
    warned = residents.report("ymere", "rent", bad_phone(residents.client()), municipality_code="0362")
    answer = (await http_intake.post([*reports, warned], partner="ymere")).json()
    assert answer["reports"][-1]["status"] == "accepted", answer["reports"][-1]
    rejection_ids = {a["rejection_id"] for a in answer["reports"] if a["rejection_id"]}
    assert len(rejection_ids) == 5
    await http_intake.post(residents.report("eigen-haard", "rent", residents.client(postcode="0000 XX")))

    items, pages = await read_all(http_intake, "/v1/rejections", "ymere", limit=2)
    assert pages >= 3
    mine = [i for i in items if i.get("rejection_id") in rejection_ids]
    assert len(mine) == 5 and all(i["message_type"] == "ReportRejected" for i in mine)  # each once
    assert len({i.get("rejection_id") or i["report_id"] for i in items}) == len(items)  # nothing twice
    assert {i["partner_id"] for i in items} == {"ymere"}  # never eigen-haard's
    warning, = [i for i in items if i["report_id"] == warned["report_id"]]
    assert warning["message_type"] == "ReportAcceptedWithWarnings"
    assert [r["field"] for r in warning["reasons"]] == ["client.phone"]
    times = [i.get("rejected_at") or i["accepted_at"] for i in items]
    assert times == sorted(times, reverse=True)  # newest first
    assert all("raw" not in i and "payload" not in i for i in items)


async def test_a_partner_reads_its_own_feedback_page_by_page(http_intake, intake_db, residents):
    # vgz is used here alone for feedback.
    report_ids = [f"fb-{residents.run}-{n}" for n in range(7)]
    feedback = [ReportFeedback(feedback_id=uuid.uuid4(), partner_id="vgz", report_id=report_id,
                               outcome="picked_up" if n % 2 else "not_picked_up", decided_at=datetime.now(UTC))
                for n, report_id in enumerate(report_ids)]
    async with pooled_unit_of_work(intake_db) as uow:
        await record_feedback(uow, feedback[0])
        await record_feedback_batch(uow, [*feedback, feedback[0]])  # as a batch from the topic; one again
        await record_feedback(uow, ReportFeedback(feedback_id=uuid.uuid4(), partner_id="waternet",
                                                  report_id=f"fb-{residents.run}-other", outcome="picked_up",
                                                  decided_at=datetime.now(UTC)))
    items, pages = await read_all(http_intake, "/v1/feedback", "vgz", limit=3)
    assert pages >= 3
    mine = [i["report_id"] for i in items if i["report_id"].startswith(f"fb-{residents.run}")]
    assert sorted(mine) == sorted(report_ids)  # every one once, and not waternet's
    assert {i["partner_id"] for i in items} == {"vgz"}
    assert {i["outcome"] for i in items} <= {"picked_up", "not_picked_up"}
    assert set(items[0]) == {"message_type", "feedback_id", "partner_id", "report_id", "outcome", "decided_at"}


async def test_a_cursor_not_handed_out_is_refused(http_intake):
    headers = {"Authorization": "Bearer dev-token-vgz"}
    assert (await http_intake.client.get("/v1/feedback", params={"cursor": "bm9wZQ"}, headers=headers)).status_code == 400
    assert (await http_intake.client.get("/v1/rejections", headers={})).status_code == 401
