"""Replay stored rejections once their cause is fixed (a partner was allowed a new category, say).

    python -m intake replay --list [--partner eigen-haard] [--since 2026-11-01]
    python -m intake replay --rejection 6f1c...                 (one or more, by id)
    python -m intake replay --partner eigen-haard [--since 2026-11-01]

Each rejection's stored bytes go through the same handler again (channel `replay`), each in its own
transaction. One that is accepted now is marked replayed; one that is still refused keeps its
rejection, and the partner hears the new reasons when they differ.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from datetime import datetime

from vroeg_contracts.partner_report import AMSTERDAM
from vroeg_runtime import logs
from vroeg_runtime.unit_of_work import unit_of_work

from ...bootstrap import connect, dependencies, load_registry
from ...config import SERVICE
from ...handlers.dependencies import IntakeDependencies
from ...handlers.replay import pending_rejections, replay_rejection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rejection", type=uuid.UUID, action="append", default=[], help="a rejection id")
    parser.add_argument("--partner", help="every pending rejection of this partner")
    parser.add_argument("--since", type=_moment, help="only rejections from this moment (ISO 8601; Amsterdam time "
                                                     "unless it names its offset)")
    parser.add_argument("--list", action="store_true", help="list pending rejections; replay nothing")
    args = parser.parse_args(argv)
    if not (args.rejection or args.partner or args.list):
        parser.error("name what to replay: --rejection <id> or --partner <id> (or --list)")
    logs.configure(SERVICE, json_logs=False, level="WARNING")  # the command's own output is on stdout
    return asyncio.run(_run(dependencies(), args))


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


async def _run(deps: IntakeDependencies, args: argparse.Namespace) -> int:
    conn = await connect(deps.settings)
    try:
        await load_registry(conn, deps)  # the partners as the running intake knows them
        if args.list or not args.rejection:
            async with unit_of_work(conn) as uow:
                pending = await pending_rejections(uow, args.partner, args.since)
            if args.list:
                for item in pending:
                    reasons = "; ".join(f"{r['field']}: {r['reason']}" for r in item.reasons)
                    print(f"{item.rejection_id}  {item.created_at:%Y-%m-%d %H:%M}  {item.partner_id}  "
                          f"{item.report_id or '-'}  {item.source}  {reasons}")
                print(f"{len(pending)} rejections pending")
                return 0
            args.rejection = [item.rejection_id for item in pending]
        accepted = 0
        for rejection_id in args.rejection:
            async with unit_of_work(conn) as uow:  # each on its own: one failure spoils no other
                result = await replay_rejection(uow, deps, rejection_id)
            if result.outcome is None:
                print(f"{rejection_id}: no such rejection")
                continue
            outcome = result.outcome
            accepted += outcome.status == "accepted"
            detail = outcome.change.value if outcome.change else "; ".join(f"{r.field}: {r.reason}" for r in outcome.reasons)
            print(f"{rejection_id} ({result.source}): {outcome.status} ({detail})")
        print(f"{len(args.rejection)} replayed: {accepted} accepted, {len(args.rejection) - accepted} still rejected")
        return 0
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(main())
