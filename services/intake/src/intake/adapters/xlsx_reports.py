"""The Excel form of partner reports (.xlsx), read as a stream: the first sheet, the first row names
the columns (as in a CSV file), and every later row is one flat report.

Each row is turned into the text a CSV file would hold for it (a date cell becomes `2026-11-20`, a
number `812.5`, a boolean `true`) and read by the CSV reader, so a workbook gets exactly the answers
the same rows get as CSV. The raw bytes kept for a row are that CSV text: the header line and the
row's line (`,`-separated, UTF-8), stored as `text/csv`, so a stored row reads back, and replays, on
its own. A workbook that cannot be read at all is kept whole, as `XLSX`.

Memory stays flat however long the sheet: openpyxl's read-only mode parses the sheet's XML one row
at a time, and the shared-strings table (every distinct text of the workbook, which Excel keeps in
one part of the file) is spilled to a temporary SQLite file instead of a list in memory.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from xml.etree.ElementTree import ParseError, iterparse
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import IO, Any

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from ..domain.validation import FieldError
from .csv_reports import CsvRow, read_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A code typed into Excel as a number loses its leading zeros (0437 becomes 437). A number cell can
# hold no zeros in front, so the ones these fixed-length codes need are put back.
_ZERO_PADDED = {"municipality_code": 4, "bsn": 9}
_STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"


class _SpilledStrings:
    """The workbook's shared strings in a private temporary SQLite file, looked up by index."""

    def __init__(self, source: IO[bytes]) -> None:
        self._db = sqlite3.connect("")  # "": a temporary on-disk database, deleted when closed
        self._db.execute("CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        numbered = enumerate(_string_items(source))
        while chunk := list(islice(numbered, 10_000)):
            self._db.executemany("INSERT INTO strings VALUES (?, ?)", chunk)

    def __getitem__(self, index: int) -> str:
        row = self._db.execute("SELECT text FROM strings WHERE id = ?", (index,)).fetchone()
        if row is None:
            raise IndexError(index)
        return str(row[0])

    def close(self) -> None:
        self._db.close()


def _string_items(source: IO[bytes]) -> Iterator[str]:
    """The text of each shared string, in order (as openpyxl reads them), one item in memory at a time."""
    root = None
    for event, node in iterparse(source, events=("start", "end")):
        if root is None:
            root = node
        elif event == "end" and node.tag == _STRING_ITEM:
            yield Text.from_tree(node).content.replace("x005F_", "")
            root.clear()  # the items read so far: the parse would otherwise keep every one


class _RowParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser, for the rows only, letting go of each row once it is read: openpyxl
    empties a row's XML element but keeps it in the tree, some 80 bytes a row for the whole sheet."""

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        sheet_data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    sheet_data = element
            elif element.tag == ROW_TAG:
                yield self.parse_row(element)
                self.row_dimensions.clear()  # a row's height or style, which only a sheet being edited needs
                if sheet_data is not None:
                    sheet_data.clear()


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet whose rows come with their numbers in the sheet."""

    def _get_size(self) -> None:
        """openpyxl would look for the size the writing program claims, and parse the whole sheet
        when there is none: the size of the data is taken from its cells instead."""

    def numbered_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, cell values) for each row that has cells, in order."""
        with self._get_source() as source:
            parser = _RowParser(source, self._shared_strings, data_only=True, epoch=self.parent.epoch,
                                date_formats=self.parent._date_formats,
                                timedelta_formats=self.parent._timedelta_formats)
            for number, cells in parser.parse():
                yield number, self._get_row(cells, values_only=True)


class _StreamingReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader in read-only mode, for the first worksheet only, with the shared strings on
    disk instead of in a list."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                self.wb._sheets.append(_Sheet(self.wb, sheet.name, rel.target, self.shared_strings))
                return

    def read_strings(self) -> None:
        part = self.package.find("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _SpilledStrings(source)


def read_workbook(source: str | Path | IO[bytes]) -> Iterator[CsvRow]:
    """Read the first sheet of a workbook as report rows; never raises for bad input. `line` is the
    row's number in the sheet (the header is row 1); blank rows are skipped."""
    try:
        reader = _StreamingReader(source if hasattr(source, "read") else str(source), read_only=True,
                                  data_only=True, keep_links=False)
        reader.read()
        rows = reader.wb.worksheets[0].numbered_rows()
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError, ParseError) as error:
        yield CsvRow(1, _whole(source), None, [FieldError("(body)", f"not a readable Excel workbook (.xlsx): "
                                                                    f"{type(error).__name__}")])
        return
    try:
        for row in _rows_of(rows):
            # A workbook refused as a whole is kept whole (it is no row of CSV text).
            yield replace(row, raw=_whole(source)) if refused_whole(row) else row
    finally:
        reader.wb.close()
        if isinstance(reader.shared_strings, _SpilledStrings):
            reader.shared_strings.close()


def _rows_of(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[CsvRow]:
    header_number, values = next(rows, (1, ()))
    header = [_text("", value) for value in values]
    while header and not header[-1].strip():
        header.pop()  # cells formatted but empty at the end of the header row
    if not header:
        yield CsvRow(header_number, b"", None, [FieldError("(body)", "empty: a workbook needs a header row")])
        return
    columns = [name.strip().lower() for name in header]
    header_line = csv_line(header)
    taken, number = 0, header_number
    while True:
        try:
            number, values = next(rows)
        except StopIteration:
            break
        except (ValueError, KeyError, IndexError, ParseError, zipfile.BadZipFile) as error:
            # The sheet's XML breaks off after row `number`: the rows before it stand, and one
            # refusal says where it broke.
            yield CsvRow(number + 1, header_line, None, [FieldError("(row)", f"not readable as an Excel row: "
                                                                             f"{type(error).__name__}")])
            return
        cells = [_text(columns[i] if i < len(columns) else "", value) for i, value in enumerate(values)]
        while len(cells) > len(columns) and not cells[-1].strip():
            cells.pop()
        if not any(cell.strip() for cell in cells):
            continue  # a blank row
        cells += [""] * (len(columns) - len(cells))  # Excel leaves the empty cells at the end of a row out
        taken += 1
        yield replace(next(read_rows(io.BytesIO(header_line + csv_line(cells)))), line=number)
    if not taken:  # a header alone: as for CSV, only a bad header is answered
        yield from (replace(row, line=header_number) for row in read_rows(io.BytesIO(header_line)))


def csv_line(cells: list[str]) -> bytes:
    """One row as a line of CSV text, `,`-separated, quoted where needed."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(cells)
    return line.getvalue().encode("utf-8", "surrogateescape")


def _text(column: str, value: Any) -> str:
    """A cell as the text a CSV file would hold for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(_ZERO_PADDED.get(column, 0))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number: 812.5, not 812.50000001
    return str(value)


def refused_whole(row: CsvRow) -> bool:
    """Whether the workbook as a whole was refused (unreadable, or without a header row)."""
    return any(error.field == "(body)" for error in row.errors)


def _whole(source: str | Path | IO[bytes]) -> bytes:
    """The bytes of a workbook that could not be read, to keep with its rejection."""
    if hasattr(source, "read"):
        source.seek(0)
        return source.read()
    return Path(source).read_bytes()
