"""The command line way in: import a CSV file of one partner's reports from disk, streamed in batches.

    python -m intake.import_csv reports.csv --partner eigen-haard

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

from ..bootstrap import Intake, load
from ..handlers import ImportCounts, Sent, take_in_batches
from ..incoming import IncomingReport, csv_reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake.import_csv", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8, `,` or `;` separated, header line first)")
    parser.add_argument("--partner", required=True, help="the partner id the file comes from, e.g. eigen-haard")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per database transaction (default 500)")
    args = parser.parse_args(argv)
    logs.configure("intake", json_logs=False, level="WARNING")  # the command's own output is on stdout
    intake = load()
    if args.partner not in intake.partners:
        parser.error(f"--partner: unknown partner {args.partner!r} (known: {', '.join(sorted(intake.partners))})")
    if not args.file.is_file():
        parser.error(f"file: {args.file} is not a file")
    counts = asyncio.run(import_file(intake, args.file, args.partner, batch_size=args.batch_size))
    print(summary(args.file, counts))
    return 0


async def import_file(intake: Intake, path: Path, partner: str, *, batch_size: int = 500, progress: bool = True,
                      after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Import one file; `after_batch(counts)` is called after each committed batch."""
    conn = await intake.connect()
    try:
        with path.open("rb") as file, tqdm(total=path.stat().st_size, unit="B", unit_scale=True, disable=not progress,
                                           desc=path.name, file=sys.stderr) as bar:

            def committed(counts: ImportCounts) -> None:
                bar.set_postfix_str(f"accepted={counts.accepted:,} rejected={counts.rejected:,}", refresh=False)
                if after_batch is not None:
                    after_batch(counts)

            def source(report: IncomingReport) -> str:
                return f"csv:{path.name}:{report.position}"

            return await take_in_batches(
                conn, csv_reports(_counted(file, bar)), batch_size=batch_size, after_batch=committed,
                take=lambda c, report: intake.take(c, report, sender=partner, channel="csv", source=source(report)),
                take_batch=lambda c, batch: intake.take_many(c, [Sent(r, partner, source(r)) for r in batch],
                                                             channel="csv"))
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
                     "(stored with their reasons; see `python -m intake.replay --list`)")
    lines.append(f"{path}: {counts.rows} rows, {counts.accepted} accepted ({counts.duplicates} of them seen before), "
                 f"{counts.rejected} rejected")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
