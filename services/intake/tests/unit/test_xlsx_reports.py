"""The Excel reader: a workbook's rows read as the same rows in a CSV file would be (typed cells
included), raw bytes that replay, a workbook refused whole, and memory that stays flat."""

import csv
import io
import tracemalloc
from datetime import date, datetime

from openpyxl import Workbook

from intake.adapters.csv_reports import read_rows
from intake.adapters.incoming import CSV, XLSX, stored_report, xlsx_reports
from intake.adapters.xlsx_reports import read_workbook
from intake.domain.partners import Partner
from intake.domain.validation import ValidationContext, validate_report
from vroeg_contracts.partner_report import Category
from vroeg_runtime.logs import redact_text

HEADER = ["report_id", "partner_id", "category", "municipality_code", "signal_date", "status", "amount",
          "arrears_since", "crisis", "surname", "house_number", "postcode", "bsn", "phone"]


def workbook(rows) -> bytes:
    """Rows (lists of cell values, the header first) as an .xlsx file, written row by row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


# The same rows as a partner's spreadsheet types them, and as its CSV export writes them.
TYPED = [
    ["EH-1", "eigen-haard", "rent", 437, date(2026, 11, 20), "open", 812.5, datetime(2026, 9, 1), False,
     "Çelik", 12, "1191 ab", 111222333, "06 1234 5678"],
    ["EH-2", "eigen-haard", "rent", "0437", "2026-11-20", "open", "95,00", "2026-10-01", None, "d'Hondt, jr",
     3.0, "1191 JB", None, None],
    ["EH-3", "eigen-haard", "rent", "0437", "2026-11-20", "open", -3, "2026-10-01", "misschien", "Bakker",
     "drie", "0000 XX", 123456789, "kapot"],
]
TEXT = [
    ["EH-1", "eigen-haard", "rent", "0437", "2026-11-20", "open", "812.5", "2026-09-01", "false",
     "Çelik", "12", "1191 ab", "111222333", "06 1234 5678"],
    ["EH-2", "eigen-haard", "rent", "0437", "2026-11-20", "open", "95,00", "2026-10-01", "", "d'Hondt, jr",
     "3", "1191 JB", "", ""],
    ["EH-3", "eigen-haard", "rent", "0437", "2026-11-20", "open", "-3", "2026-10-01", "misschien", "Bakker",
     "drie", "0000 XX", "123456789", "kapot"],
]


def test_a_workbook_reads_as_the_same_rows_as_csv():
    from_workbook = list(read_workbook(io.BytesIO(workbook([HEADER, *TYPED]))))
    from_csv = list(read_rows(io.BytesIO(csv_file([HEADER, *TEXT]))))
    assert [(r.line, r.data, r.errors) for r in from_workbook] == [(r.line, r.data, r.errors) for r in from_csv]
    assert from_workbook[0].data["municipality_code"] == "0437"  # 437 typed as a number: its zero put back
    assert from_workbook[1].data["amount"] == "95.00"  # a decimal comma in a text cell, as in CSV


def test_the_same_rows_get_the_same_validation_answers():
    context = ValidationContext({"eigen-haard": Partner("eigen-haard", "Eigen Haard", frozenset({Category.RENT}), "0" * 64,
                                                        frozenset({"0437"}))},
                                frozenset({"0437"}), date(2026, 11, 26), redact_text)

    def answers(rows):
        return [validate_report(r.data, sender="eigen-haard", context=context) for r in rows]

    from_workbook = answers(read_workbook(io.BytesIO(workbook([HEADER, *TYPED]))))
    from_csv = answers(read_rows(io.BytesIO(csv_file([HEADER, *TEXT]))))
    assert from_workbook == from_csv
    assert isinstance(from_workbook[2], list) and {e.field for e in from_workbook[2]} >= {
        "arrears.amount", "arrears.crisis", "client.house_number", "client.postcode", "client.bsn"}


def test_each_row_is_kept_as_csv_text_that_replays_to_the_same_report():
    rows = list(xlsx_reports(io.BytesIO(workbook([HEADER, *TYPED]))))
    assert [r.media_type for r in rows] == [CSV, CSV, CSV]
    assert rows[0].raw.decode().splitlines()[0] == ",".join(HEADER)
    assert rows[1].raw.decode().splitlines()[1].startswith("EH-2,eigen-haard,rent,0437,2026-11-20,open,\"95,00\"")
    for row in rows:
        assert stored_report(row.raw, row.media_type).data == row.data


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    rows = list(read_workbook(io.BytesIO(workbook([HEADER, TYPED[0], [], [None, None], TYPED[1]]))))
    assert [r.line for r in rows] == [2, 5]


def test_a_value_beyond_the_header_refuses_its_row_only():
    rows = list(read_workbook(io.BytesIO(workbook([HEADER, [*TYPED[0], None, "extra"], [*TYPED[1], None, None]]))))
    assert [[e.field for e in r.errors] for r in rows] == [["(row)"], []]
    assert rows[0].errors[0].reason == f"has {len(HEADER) + 2} columns where the header has {len(HEADER)}"


def test_a_header_naming_a_column_twice_refuses_every_row():
    rows = list(read_workbook(io.BytesIO(workbook([["report_id", "Report_ID"], ["a", "b"]]))))
    assert [(r.line, [e.field for e in r.errors]) for r in rows] == [(2, ["(header)"])]


def test_an_unreadable_workbook_is_one_refusal_kept_whole():
    body = b"PK\x03\x04 not really a workbook"
    report, = xlsx_reports(io.BytesIO(body))
    assert (report.position, report.raw, report.media_type) == (1, body, XLSX)
    assert [e.field for e in report.errors] == ["(body)"]
    assert stored_report(report.raw, report.media_type).errors == report.errors


def test_an_empty_workbook_is_one_refusal():
    report, = xlsx_reports(io.BytesIO(workbook([])))
    assert report.errors[0].reason == "empty: a workbook needs a header row"


def peak_memory_reading(rows: int) -> int:
    """The peak of Python's allocations while a workbook of `rows` report rows is read through."""
    body = workbook([HEADER, *([f"EH-{n}", "eigen-haard", "rent", "0437", date(2026, 11, 20), "open", 100 + n / 100,
                                "2026-09-01", False, f"Çelik{n}", n % 999 + 1, f"{1000 + n % 8999} AB", None,
                                f"bewoner{n}@example.nl"] for n in range(rows))])
    tracemalloc.start()
    try:
        read = sum(1 for _ in read_workbook(io.BytesIO(body)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == rows
    return peak


def test_a_large_workbook_is_read_in_flat_memory():
    small, large = peak_memory_reading(1_000), peak_memory_reading(10_000)
    print(f"peak while reading: 1,000 rows {small // 1024} KiB; 10,000 rows {large // 1024} KiB")
    # Holding as little as 20 bytes for each of the 9,000 more rows would add 175 KiB (the leaks this
    # guards against held about 70 bytes a row); the README has the 100,000-row measurement.
    assert large - small < 128 * 1024, (small, large)
