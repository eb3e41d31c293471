"""What arrived, decoded into reports: from a Kafka record, an HTTP body, a CSV stream, an Excel
workbook or stored bytes.

Each `IncomingReport` keeps the raw bytes it was read from, so a rejected report can be found again
and replayed exactly as it came.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from ..domain.validation import FieldError, decode_json
from .csv_reports import read_rows
from .xlsx_reports import XLSX, read_workbook, refused_whole

JSON = "application/json"
CSV = "text/csv"
# A workbook's rows are kept as CSV text (see xlsx_reports); only a workbook refused whole is kept as XLSX.
MediaType = Literal["application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


@dataclass(frozen=True)
class IncomingReport:
    raw: bytes
    data: Any  # the decoded report; None when the raw bytes could not be decoded
    errors: tuple[FieldError, ...]  # why the raw bytes could not be decoded
    media_type: MediaType = JSON
    position: int = 0  # the index in a JSON array, the line in a CSV file, or the row in a workbook


def json_report(raw: bytes) -> IncomingReport:
    """One JSON report (a Kafka record, say)."""
    data, errors = decode_json(raw)
    return IncomingReport(raw, data, tuple(errors))


def json_reports(body: bytes) -> list[IncomingReport]:
    """A JSON body: one report object, or an array of them."""
    data, errors = decode_json(body)
    if errors or not isinstance(data, list):
        return [IncomingReport(body, data, tuple(errors))]
    # Each element is kept as its own compact JSON, the raw form a replay reads again. An unpaired
    # surrogate (it can only stand in a string) is written back as the JSON escape it came from.
    return [IncomingReport(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace"),
                           item, (), JSON, index)
            for index, item in enumerate(data)]


def csv_reports(lines: Iterable[bytes]) -> Iterator[IncomingReport]:
    """A CSV stream, row by row."""
    for row in read_rows(lines):
        yield IncomingReport(row.raw, row.data, tuple(row.errors), CSV, row.line)


def xlsx_reports(workbook: str | Path | IO[bytes]) -> Iterator[IncomingReport]:
    """An Excel workbook's first sheet, row by row: each row as CSV text, or the workbook refused whole."""
    for row in read_workbook(workbook):
        yield IncomingReport(row.raw, row.data, tuple(row.errors), XLSX if refused_whole(row) else CSV, row.line)


def stored_report(raw: bytes, media_type: str) -> IncomingReport:
    """Raw bytes as they were stored: one JSON report, a CSV header line and one row (also a
    workbook's row), or a workbook that was refused whole."""
    if media_type == XLSX:
        return next(xlsx_reports(io.BytesIO(raw)))
    if media_type == CSV:
        return next(csv_reports(io.BytesIO(raw)),
                    IncomingReport(raw, None, (FieldError("(row)", "the stored row is empty"),), CSV))
    return json_report(raw)
