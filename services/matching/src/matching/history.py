"""`python -m matching.history <household_key>`: a household's decision history, for the team and auditors.

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

from .adapters.repository import DecisionRecord, HouseholdHistory, HouseholdRepository
from .config import MatchingSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.history",
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
        async with conn.transaction():
            repo = HouseholdRepository(conn)
            history = await repo.history(household_key)
            if history is not None:
                await repo.record_read(household_key, reader=f"cli:{getpass.getuser()}", role="operator", channel="cli")
            return history
    finally:
        await conn.close()


def render(history: HouseholdHistory) -> str:
    lines = [f"Household {history.household_key} (municipality {history.municipality_code}):"
             f" {len(history.decisions)} decisions, oldest first", ""]
    for decision in history.decisions:
        lines += _decision_lines(decision) + [""]
    return "\n".join(lines).rstrip()


def _decision_lines(decision: DecisionRecord) -> list[str]:
    inputs = decision.inputs
    lines = [f"{decision.decided_at:%Y-%m-%d %H:%M:%S %Z}  {decision.outcome}",
             f"    rule:     {decision.rule}",
             f"    because:  {_trigger(inputs.get('trigger', {}))}",
             f"    policy:   {inputs.get('policy', {}).get('name', '?')}"]
    if decision.episode_id:
        lines.append(f"    case:     {decision.episode_id}")
    assessed = inputs.get("assessment", {})
    lines.append("    signals:")
    for s in inputs.get("signals", []):
        state = (" crisis" if s["crisis"] else "") + (f" resolved {s['closed_on']}" if s["closed_on"] else "") + \
                (" withdrawn" if s["withdrawn"] else "")
        lines.append(f"      {s['signal_date']}  {s['partner_id']} ({s['category']}), in arrears since"
                     f" {s['arrears_since']}, EUR {s['amount']}{state}"
                     f"  -> {assessed.get(s['signal_id'], {}).get('status', '?')}"
                     f"{'  <- this report' if s['signal_id'] == inputs.get('trigger', {}).get('signal_id') else ''}")
    for case, closed_on in inputs.get("closed_cases", {}).items():
        lines.append(f"    case {case} closed by outreach on {closed_on}")
    return lines


def _trigger(trigger: dict[str, str]) -> str:
    if "case_closed" in trigger:
        return f"outreach closed case {trigger['case_closed']} on {trigger['closed_on']}"
    return f"the {trigger.get('report_status', '?')} report about signal {trigger.get('signal_id', '?')}"


if __name__ == "__main__":
    sys.exit(main())
