"""`python -m matching history <household_key>`: a household's decision history, for the team and auditors.

Reads matching's database (MATCHING_DATABASE_URL) and records the read, as the read API does.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from dataclasses import asdict

import asyncpg

from vroeg_runtime.unit_of_work import unit_of_work

from ...config import MatchingSettings
from ...domain.history import HouseholdHistory, render
from ...handlers.history import read_history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching history",
                                     description="Print every decision matching took about one household.")
    parser.add_argument("household_key", help="the household pseudonym (as on the bus and in the logs)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    history = asyncio.run(read(args.household_key, MatchingSettings().database_url))
    if history is None:
        print(f"matching holds nothing about household {args.household_key}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(history), default=str, indent=2) if args.json else render(history))
    return 0


async def read(household_key: str, database_url: str) -> HouseholdHistory | None:
    conn = await asyncpg.connect(database_url)
    try:
        async with unit_of_work(conn) as uow:
            return await read_history(uow, household_key, reader=f"cli:{getpass.getuser()}", role="operator",
                                      channel="cli")
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(main())
