"""The CSV reader: separators, BOM, decimal comma, empty cells, bad rows, and raw bytes that replay."""

import io

import pytest

from intake.adapters.csv_reports import read_rows, separator_of
from intake.adapters.incoming import CSV, stored_report

HEADER = "report_id,partner_id,category,amount,surname,phone\n"


def rows_of(text: str | bytes):
    raw = text.encode() if isinstance(text, str) else text
    return list(read_rows(io.BytesIO(raw)))


def test_rows_become_flat_reports_with_their_lines():
    rows = rows_of(HEADER + "EH-1,eigen-haard,rent,812.50,Jansen,0612345678\nEH-2,eigen-haard,rent,10,Bakker,\n")
    assert [(r.line, r.data) for r in rows] == [
        (2, {"report_id": "EH-1", "partner_id": "eigen-haard", "category": "rent", "amount": "812.50",
             "surname": "Jansen", "phone": "0612345678"}),
        (3, {"report_id": "EH-2", "partner_id": "eigen-haard", "category": "rent", "amount": "10", "surname": "Bakker"}),
    ]


@pytest.mark.parametrize(("header", "separator"), [("a,b,c", ","), ("a;b;c", ";"), ("a", ","), ("a;b,c;d", ";")])
def test_the_separator_is_the_one_the_header_uses(header, separator):
    assert separator_of(header) == separator


def test_semicolons_bom_and_decimal_comma():
    text = "\ufeffreport_id;amount;surname\r\nEH-1;812,50;d'Hondt\r\nEH-2;1.234,56;Çelik\r\n"
    first, second = rows_of(text)
    assert first.data == {"report_id": "EH-1", "amount": "812.50", "surname": "d'Hondt"}
    assert second.data["amount"] == "1.234,56"  # thousands separators are not guessed at: the contract refuses it
    assert second.data["surname"] == "Çelik"


def test_an_empty_cell_is_an_absent_field_and_cells_are_trimmed():
    row, = rows_of("report_id,phone,email, surname \nEH-1,, ,  Öztürk \n")
    assert row.data == {"report_id": "EH-1", "surname": "Öztürk"}


def test_a_row_with_the_wrong_number_of_columns_is_refused_not_fatal():
    rows = rows_of(HEADER + "EH-1,eigen-haard,rent\nEH-2,eigen-haard,rent,10,Bakker,,extra\nEH-3,eigen-haard,rent,1,X,\n")
    assert [(r.line, r.data is None, [e.field for e in r.errors]) for r in rows] == [
        (2, True, ["(row)"]), (3, True, ["(row)"]), (4, False, [])]
    assert "3 columns where the header has 6" in rows[0].errors[0].reason


def test_a_quoted_cell_may_hold_the_separator_and_a_newline():
    row, after = rows_of('report_id,street\nEH-1,"Dorpsstraat, hoek\nKerkpad"\nEH-2,Kerkstraat\n')
    assert row.data["street"] == "Dorpsstraat, hoek\nKerkpad"
    assert (row.line, after.line) == (2, 4)


def test_a_broken_quote_spoils_its_row_only():
    rows = rows_of('report_id,street\nEH-1,"Dorps"straat\nEH-2,Kerkstraat\n')
    assert [e.field for e in rows[0].errors] == ["(row)"]
    assert rows[-1].data == {"report_id": "EH-2", "street": "Kerkstraat"}


def test_a_row_that_is_not_utf8_is_refused_alone():
    rows = rows_of(b"report_id,surname\nEH-1,\xe7elik\nEH-2,\xc3\x87elik\n")
    assert [e.field for e in rows[0].errors] == ["(row)"] and "UTF-8" in rows[0].errors[0].reason
    assert rows[1].data == {"report_id": "EH-2", "surname": "Çelik"}


def test_blank_lines_are_skipped():
    assert [r.line for r in rows_of("report_id\n\nEH-1\n\n\nEH-2")] == [3, 6]


def test_a_header_naming_a_column_twice_refuses_every_row():
    rows = rows_of("report_id,amount,Amount\nEH-1,1,2\nEH-2,1,2\n")
    assert [[e.field for e in r.errors] for r in rows] == [["(header)"], ["(header)"]]


def test_an_empty_file_is_one_refusal_of_the_body():
    row, = rows_of(b"")
    assert [e.field for e in row.errors] == ["(body)"]


def test_a_header_without_rows_has_no_reports():
    assert rows_of("report_id,amount\n") == []


@pytest.mark.parametrize("text", [
    HEADER + "EH-1,eigen-haard,rent,\"812,50\",Jansen,\nEH-2,eigen-haard,rent,10,\"a\nb\",\n",
    "\ufeffreport_id;amount\r\nEH-1;1,5\r\nEH-2;2",
    HEADER + "EH-1,too,few\n",
])
def test_the_raw_bytes_of_a_row_read_back_to_the_same_row(text):
    for row in rows_of(text):
        again = stored_report(row.raw, CSV)
        assert (again.raw, again.data, list(again.errors)) == (row.raw, row.data, row.errors)
        assert row.raw.startswith(b"report_id")  # the header travels with every row, without the BOM


@pytest.mark.parametrize("text", ["\r0", "a\rb,c\n", 'report_id,"amount\n'])
def test_an_unreadable_header_alone_is_one_refusal(text):
    row, = rows_of(text)
    assert [e.field for e in row.errors] == ["(header)"]
