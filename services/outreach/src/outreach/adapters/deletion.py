"""Deleting what outreach holds: every row of a household (erasure), or the cases that led to no
help and have been quiet for the retention period. Both count what they delete, per table.

The audit log is kept: it holds staff ids and case ids, no resident's details, and it is how the
municipality accounts for who read what. Letters and referral packages already sent are not here
to delete (they left through the mail and referral channels).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

# Children first, so each count is what that table lost (a cascade would hide them).
CASE_TABLES = ("case_notes", "case_timeline", "work_items", "referrals", "schedule", "contact_attempts", "letters", "case_signals")


def _count(status: str) -> int:
    return int(status.split()[-1])


async def delete_cases(conn: asyncpg.Connection, case_ids: list[uuid.UUID]) -> dict[str, int]:
    deleted = {}
    for table in CASE_TABLES:
        deleted[table] = _count(await conn.execute(f"DELETE FROM {table} WHERE case_id = ANY($1::uuid[])", case_ids))
    deleted["cases"] = _count(await conn.execute("DELETE FROM cases WHERE case_id = ANY($1::uuid[])", case_ids))
    return deleted


async def erase_household(conn: asyncpg.Connection, household_key: str) -> dict[str, int]:
    """Delete every row about one household. Call in a unit of work."""
    case_ids = [r["case_id"] for r in await conn.fetch(
        "SELECT case_id FROM cases WHERE household_key = $1 FOR UPDATE", household_key)]
    deleted = await delete_cases(conn, case_ids)
    for table in ("signals_not_picked_up", "partner_feedback"):
        deleted[table] = _count(await conn.execute(f"DELETE FROM {table} WHERE household_key = $1", household_key))
    return deleted


async def delete_expired(conn: asyncpg.Connection, *, cutoff: datetime, help_outcomes: Iterable[str]) -> dict[str, int]:
    """Delete cases that led to no help and whose last event is before `cutoff`, and the signals not
    picked up (and their feedback) of households that no longer have a case. Call in a unit of work."""
    case_ids = [r["case_id"] for r in await conn.fetch(
        """SELECT c.case_id FROM cases c
           WHERE (c.outcome IS NULL OR c.outcome <> ALL($2::text[]))
             AND greatest(c.opened_at, c.closed_at,
                          (SELECT max(t.occurred_at) FROM case_timeline t WHERE t.case_id = c.case_id)) < $1
           FOR UPDATE SKIP LOCKED""",
        cutoff, sorted(help_outcomes))]
    deleted = await delete_cases(conn, case_ids)
    for table in ("signals_not_picked_up", "partner_feedback"):
        deleted[table] = _count(await conn.execute(
            f"""DELETE FROM {table} d WHERE d.decided_at < $1
                AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_key = d.household_key)""", cutoff))
    return deleted
