"""Check consent's audit chain from the command line: exit 0 when intact, 1 when not.

    python -m consent.entrypoints.audit_cli verify

It reads CONSENT_DATABASE_URL like the service and prints one JSON object (the report).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict

import asyncpg

from ..config import ConsentSettings
from ..handlers.audit import verify_chain


async def _verify(database_url: str) -> dict[str, object]:
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            return asdict(await verify_chain(conn))
    finally:
        await conn.close()


def main(argv: list[str]) -> int:
    if argv != ["verify"]:
        print(__doc__, file=sys.stderr)
        return 2
    report = asyncio.run(_verify(ConsentSettings().database_url))
    print(json.dumps(report))
    return 0 if report["intact"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
