"""The monthly DDAS delivery from the command line:

    python -m outreach ddas --from 2025-01-01 --to 2025-01-31 [--out delivery.json] [--kpi]

Reads outreach's database (OUTREACH_DATABASE_URL), validates the delivery against the bundled official
Uitwisselmodel v1.2 schema (formats included), and writes it to --out (or standard output) only when it
is valid. The read is audited.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from datetime import date
from pathlib import Path

import asyncpg

from vroeg_runtime.unit_of_work import unit_of_work

from ...adapters.audit import Reader
from ...adapters.ddas_schema import DeliveryInvalid
from ...adapters.mail import write_atomically
from ...bootstrap import letter_writers
from ...config import OutreachSettings
from ...domain.errors import InvalidInput
from ...handlers.reporting import Report, ddas_delivery, kpi_summary


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m outreach ddas", description="The DDAS delivery for CBS.")
    parser.add_argument("--from", dest="start", required=True, type=_day, help="first day of the period (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", required=True, type=_day, help="last day of the period (YYYY-MM-DD)")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    parser.add_argument("--kpi", action="store_true", help="write the KPI summary instead of the delivery")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, settings: OutreachSettings) -> int:
    reader = Reader(f"command:{getpass.getuser()}", "command")
    conn = await asyncpg.connect(settings.database_url)
    try:
        async with unit_of_work(conn) as uow:
            report: Report
            if args.kpi:
                report = await kpi_summary(uow, args.start, args.end, reader=reader)
            else:
                report = await ddas_delivery(uow, args.start, args.end, reader=reader,
                                             supplier_code=settings.ddas_supplier_code,
                                             writers=letter_writers(settings))
    finally:
        await conn.close()
    text = json.dumps(report.content, ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text.encode())
    withheld = f", {report.withheld_signals} signals withheld (no BSN or address known)" if report.withheld_signals else ""
    print(f"{'KPI summary' if args.kpi else 'DDAS delivery'} {args.start}..{args.end}: {len(report.case_ids)} cases"
          + withheld + (f", written to {args.out}" if args.out else ""), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        return asyncio.run(run(args, OutreachSettings()))
    except InvalidInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DeliveryInvalid as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
