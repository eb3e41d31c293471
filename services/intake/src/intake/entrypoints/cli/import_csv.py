"""The command line way in: import a CSV file of one partner's reports from disk, streamed in batches.

    python -m intake import-csv reports.csv --partner eigen-haard

It writes to intake's database through the same handler as Kafka and HTTP; the running service's
outbox relay publishes the results. Running it again on the same file changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from vroeg_runtime import logs

from ...adapters.incoming import csv_reports
from ...bootstrap import connect, dependencies
from ...config import SERVICE
from ...domain.outcome import ImportCounts
from ...handlers.dependencies import IntakeDependencies
from ...handlers.import_csv import import_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake import-csv", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8, `,` or `;` separated, header line first)")
    parser.add_argument("--partner", required=True, help="the partner id the file comes from, e.g. eigen-haard")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per database transaction (default 500)")
    args = parser.parse_args(argv)
    logs.configure(SERVICE, json_logs=False, level="WARNING")  # the command's own output is on stdout
    deps = dependencies()
    if args.partner not in deps.partners:
        parser.error(f"--partner: unknown partner {args.partner!r} (known: {', '.join(sorted(deps.partners))})")
    if not args.file.is_file():
        parser.error(f"file: {args.file} is not a file")
    counts = asyncio.run(import_file(deps, args.file, args.partner, batch_size=args.batch_size))
    print(summary(args.file, counts))
    return 0


async def import_file(deps: IntakeDependencies, path: Path, partner: str, *, batch_size: int = 500,
                      progress: bool = True, after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Import one file; `after_batch(counts)` is called after each committed batch."""
    conn = await connect(deps.settings)
    try:
        with path.open("rb") as file, tqdm(total=path.stat().st_size, unit="B", unit_scale=True, disable=not progress,
                                           desc=path.name, file=sys.stderr) as bar:

            def committed(counts: ImportCounts) -> None:
                bar.set_postfix_str(f"accepted={counts.accepted:,} rejected={counts.rejected:,}", refresh=False)
                if after_batch is not None:
                    after_batch(counts)

            return await import_csv(conn, deps, csv_reports(_counted(file, bar)), partner=partner, file_name=path.name,
                                    batch_size=batch_size, after_batch=committed)
    finally:
        await conn.close()


def _counted(file: BinaryIO, bar: tqdm) -> Iterator[bytes]:
    for line in file:
        bar.update(len(line))
        yield line


def summary(path: Path, counts: ImportCounts) -> str:
    lines = [f"line {position}: " + "; ".join(f"{r.field}: {r.reason}" for r in outcome.reasons)
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
