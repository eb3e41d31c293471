"""The CSV form of partner reports, read as a stream: one flat report per row, with its raw bytes.

A file is UTF-8 (a BOM is allowed), separated by `,` or `;` (whichever the header line uses), with
the contract's field names as columns. An empty cell means the field is absent, and the amount may
use a decimal comma. Each row's raw bytes are the header line plus the row's own line(s), so a
stored row can be read again on its own, exactly as this reader saw it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..domain.validation import FieldError

BOM = b"\xef\xbb\xbf"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass(frozen=True)
class CsvRow:
    """One row of a CSV file: where it stands, its raw bytes, and the report or why it cannot be read."""

    line: int  # the row's first line in the file; the header is line 1
    raw: bytes
    data: dict[str, Any] | None
    errors: list[FieldError] = field(default_factory=list)


class _Lines:
    """Hands the csv reader one text line at a time, and remembers the raw bytes it handed out."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self.taken: list[bytes] = []
        self.line_number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        if self.line_number == 0:
            raw = raw.removeprefix(BOM)
        self.line_number += 1
        self.taken.append(raw)
        # Invalid UTF-8 must not stop the file: the bytes are kept as surrogates, and the row that
        # holds them is refused on its own.
        return raw.decode("utf-8", errors="surrogateescape")

    def take(self) -> bytes:
        taken, self.taken = b"".join(self.taken), []
        return taken


def separator_of(header: str) -> str:
    """`;` when the header line uses semicolons, otherwise `,`."""
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(lines: Iterable[bytes]) -> Iterator[CsvRow]:
    """Read a CSV stream of report rows; never raises for bad input, and holds one row at a time
    (a cell runs to the csv module's field size limit at most, 128 KiB, so an unclosed quote cannot
    swallow the file)."""
    source = _Lines(iter(lines))
    try:
        header_text = next(source)
    except StopIteration:
        yield CsvRow(1, b"", None, [FieldError("(body)", "empty: a CSV file needs a header line")])
        return
    header_raw = source.take()
    separator = separator_of(header_text)
    try:
        columns = [name.strip().lower() for name in next(csv.reader([header_text], delimiter=separator, strict=True), [])]
        header_errors = _header_errors(columns, header_raw)
    except csv.Error as error:
        columns, header_errors = [], [FieldError("(header)", f"not readable as CSV: {error}")]
    if not header_raw.endswith(b"\n"):
        header_raw += b"\n"
    reader = csv.reader(source, delimiter=separator, strict=True)
    rows = 0
    while True:
        first_line = source.line_number + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rows += 1
            yield CsvRow(first_line, header_raw + source.take(), None, [FieldError("(row)", f"not readable as CSV: {error}")])
            continue
        raw = header_raw + source.take()
        if not cells:
            continue  # a blank line
        rows += 1
        yield CsvRow(first_line, raw, *_report_of(cells, columns, header_errors))
    if header_errors and not rows:  # a bad header alone is answered too, so it is stored like any refusal
        yield CsvRow(1, header_raw, None, header_errors)


def _header_errors(columns: list[str], header_raw: bytes) -> list[FieldError]:
    try:
        header_raw.decode("utf-8")
    except UnicodeDecodeError:
        return [FieldError("(header)", "not UTF-8 text")]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        return [FieldError("(header)", f"column {name!r} appears more than once") for name in repeated]
    if any(not name for name in columns):
        return [FieldError("(header)", "a column has no name")]
    return []


def _report_of(cells: list[str], columns: list[str], header_errors: list[FieldError]) -> tuple[dict[str, Any] | None, list[FieldError]]:
    if header_errors:
        return None, header_errors
    if len(cells) != len(columns):
        return None, [FieldError("(row)", f"has {len(cells)} columns where the header has {len(columns)}")]
    if any("\udc80" <= char <= "\udcff" for cell in cells for char in cell):
        return None, [FieldError("(row)", "not UTF-8 text")]
    report: dict[str, Any] = {}
    for name, cell in zip(columns, cells, strict=True):
        value = cell.strip()
        if not value:
            continue  # CSV has no null: an empty cell is an absent field
        if name == "amount" and _DECIMAL_COMMA.match(value):
            value = value.replace(",", ".")
        report[name] = value
    return report, []
