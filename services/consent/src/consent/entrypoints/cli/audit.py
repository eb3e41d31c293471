"""Check consent's audit chain from the command line: exit 0 when intact, 1 when not.

    python -m consent audit verify      (or: vroeg-consent audit verify)

It reads CONSENT_DATABASE_URL like the service and prints one JSON object (the report).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict

import asyncpg

from vroeg_runtime.unit_of_work import unit_of_work

from ...config import ConsentSettings
from ...handlers.audit import verify_chain_as_of_now


async def _verify(database_url: str) -> dict[str, object]:
    conn = await asyncpg.connect(database_url)
    try:
        async with unit_of_work(conn) as uow:
            return asdict(await verify_chain_as_of_now(uow))
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["verify"]:
        print(__doc__, file=sys.stderr)
        return 2
    report = asyncio.run(_verify(ConsentSettings().database_url))
    print(json.dumps(report))
    return 0 if report["intact"] else 1
