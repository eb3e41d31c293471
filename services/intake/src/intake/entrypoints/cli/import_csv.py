"""The command line way in: import a file of one partner's reports from disk (CSV, or an Excel
workbook), streamed in batches.

    python -m intake import reports.csv --partner eigen-haard
    python -m intake import reports.xlsx --partner eigen-haard
    python -m intake import-csv reports.csv --partner eigen-haard     (the older name; takes both too)

It writes to intake's database through the same handler as Kafka and HTTP; the running service's
outbox relay publishes the results. Running it again on the same file changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from vroeg_runtime import logs

from ...adapters.incoming import IncomingReport, csv_reports, xlsx_reports
from ...bootstrap import connect, dependencies, with_registry
from ...config import SERVICE
from ...domain.outcome import ImportCounts
from ...handlers.dependencies import IntakeDependencies
from ...handlers.import_csv import import_csv


T = TypeVar("T")


def main(argv: list[str] | None = None, prog: str = "python -m intake import") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the file: CSV (UTF-8, `,` or `;` separated, header line first),"
                                                " or .xlsx (the first sheet, header row first)")
    parser.add_argument("--partner", required=True, help="the partner id the file comes from, e.g. eigen-haard")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per database transaction (default 500)")
    args = parser.parse_args(argv)
    logs.configure(SERVICE, json_logs=False, level="WARNING")  # the command's own output is on stdout
    deps = asyncio.run(with_registry(dependencies()))  # the partners as the running intake knows them
    if args.partner not in deps.partners:
        parser.error(f"--partner: unknown partner {args.partner!r} (known: {', '.join(sorted(deps.partners))})")
    if not args.file.is_file():
        parser.error(f"file: {args.file} is not a file")
    counts = asyncio.run(import_file(deps, args.file, args.partner, batch_size=args.batch_size))
    print(summary(args.file, counts))
    return 0


async def import_file(deps: IntakeDependencies, path: Path, partner: str, *, batch_size: int = 500,
                      progress: bool = True, after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Import one file (an Excel workbook when its name ends in `.xlsx`, else CSV); `after_batch(counts)`
    is called after each committed batch. The progress bar counts bytes of a CSV file, rows of a workbook
    (whose size says little about its rows: it is compressed)."""
    conn = await connect(deps.settings)
    workbook = path.suffix.lower() == ".xlsx"
    try:
        with path.open("rb") as file, tqdm(total=None if workbook else path.stat().st_size,
                                           unit="rows" if workbook else "B", unit_scale=not workbook,
                                           disable=not progress, desc=path.name, file=sys.stderr) as bar:

            def committed(counts: ImportCounts) -> None:
                bar.set_postfix_str(f"accepted={counts.accepted:,} rejected={counts.rejected:,}", refresh=False)
                if after_batch is not None:
                    after_batch(counts)

            rows: Iterable[IncomingReport] = (_counted(xlsx_reports(file), bar, lambda _row: 1) if workbook
                                              else csv_reports(_counted(file, bar, len)))
            return await import_csv(conn, deps, rows, partner=partner, file_name=path.name, batch_size=batch_size,
                                    file_format="xlsx" if workbook else "csv", after_batch=committed)
    finally:
        await conn.close()


def _counted(items: Iterable[T], bar: tqdm, size: Callable[[T], int]) -> Iterator[T]:
    for item in items:
        bar.update(size(item))
        yield item


def summary(path: Path, counts: ImportCounts) -> str:
    where = "row" if path.suffix.lower() == ".xlsx" else "line"
    lines = [f"{where} {position}: " + "; ".join(f"{r.field}: {r.reason}" for r in outcome.reasons)
             for position, outcome in counts.first_rejections]
    if counts.rejected > len(counts.first_rejections):
        lines.append(f"... and {counts.rejected - len(counts.first_rejections)} more rejected rows "
                     "(stored with their reasons; see `python -m intake replay --list`)")
    warned = f", {counts.warned} with an invalid optional field left out" if counts.warned else ""
    lines.append(f"{path}: {counts.rows} rows, {counts.accepted} accepted ({counts.duplicates} of them seen before"
                 f"{warned}), {counts.rejected} rejected")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
