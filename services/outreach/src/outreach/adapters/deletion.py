"""Deleting what outreach holds: every row of a household (erasure), or the cases that led to no
help and have been quiet for the retention period. Both count what they delete, per table, and
name the files written for the deleted cases (letters, referral packages), for the handler to
delete through their channels.

The audit log is kept: it holds staff ids and case ids, no resident's details, and it is how the
municipality accounts for who read what.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from ..domain.plan import Step
from .mail import letter_id_of

# Children first, so each count is what that table lost (a cascade would hide them).
CASE_TABLES = ("case_notes", "case_timeline", "work_items", "referrals", "schedule", "contact_attempts", "letters", "case_signals")
LETTER_STEPS = [Step.FIRST_LETTER.value, Step.FOLLOW_UP_LETTER.value]


@dataclass
class CaseFiles:
    """What may lie on disk for deleted cases, by municipality code: letters by letter id, referral
    packages by request id. Letter ids come from the letter rows and from the schedule rows that
    send letters, so a PDF written by a send that never got recorded (a crash) is found too."""

    letters: dict[str, set[uuid.UUID]] = field(default_factory=dict)
    packages: dict[str, set[uuid.UUID]] = field(default_factory=dict)


@dataclass
class Deletion:
    rows: dict[str, int]  # per table
    files: CaseFiles


def _count(status: str) -> int:
    return int(status.split()[-1])


async def _files_of(conn: asyncpg.Connection, case_ids: list[uuid.UUID]) -> CaseFiles:
    files = CaseFiles()
    for row in await conn.fetch(
            """SELECT c.municipality_code, l.letter_id, NULL::uuid AS task_id FROM letters l JOIN cases c USING (case_id)
               WHERE l.case_id = ANY($1::uuid[])
               UNION ALL
               SELECT c.municipality_code, NULL, s.task_id FROM schedule s JOIN cases c USING (case_id)
               WHERE s.case_id = ANY($1::uuid[]) AND s.step = ANY($2::text[])""", case_ids, LETTER_STEPS):
        letter_id = row["letter_id"] or letter_id_of(row["task_id"])
        files.letters.setdefault(row["municipality_code"], set()).add(letter_id)
    for row in await conn.fetch(
            """SELECT c.municipality_code, r.request_id FROM referrals r JOIN cases c USING (case_id)
               WHERE r.case_id = ANY($1::uuid[])""", case_ids):
        files.packages.setdefault(row["municipality_code"], set()).add(row["request_id"])
    return files


async def delete_cases(conn: asyncpg.Connection, case_ids: list[uuid.UUID]) -> Deletion:
    files = await _files_of(conn, case_ids)
    deleted = {}
    for table in CASE_TABLES:
        deleted[table] = _count(await conn.execute(f"DELETE FROM {table} WHERE case_id = ANY($1::uuid[])", case_ids))
    deleted["cases"] = _count(await conn.execute("DELETE FROM cases WHERE case_id = ANY($1::uuid[])", case_ids))
    return Deletion(deleted, files)


async def erase_household(conn: asyncpg.Connection, household_key: str) -> Deletion:
    """Delete every row about one household. Call in a unit of work."""
    case_ids = [r["case_id"] for r in await conn.fetch(
        "SELECT case_id FROM cases WHERE household_key = $1 FOR UPDATE", household_key)]
    deletion = await delete_cases(conn, case_ids)
    for table in ("signals_not_picked_up", "partner_feedback"):
        deletion.rows[table] = _count(await conn.execute(f"DELETE FROM {table} WHERE household_key = $1", household_key))
    return deletion


async def delete_expired(conn: asyncpg.Connection, *, cutoff: datetime, help_outcomes: Iterable[str]) -> Deletion:
    """Delete cases that led to no help and whose last event is before `cutoff`, and the signals not
    picked up (and their feedback) of households that no longer have a case. Call in a unit of work."""
    case_ids = [r["case_id"] for r in await conn.fetch(
        """SELECT c.case_id FROM cases c
           WHERE (c.outcome IS NULL OR c.outcome <> ALL($2::text[]))
             AND greatest(c.opened_at, c.closed_at,
                          (SELECT max(t.occurred_at) FROM case_timeline t WHERE t.case_id = c.case_id)) < $1
           FOR UPDATE SKIP LOCKED""",
        cutoff, sorted(help_outcomes))]
    deletion = await delete_cases(conn, case_ids)
    for table in ("signals_not_picked_up", "partner_feedback"):
        deletion.rows[table] = _count(await conn.execute(
            f"""DELETE FROM {table} d WHERE d.decided_at < $1
                AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_key = d.household_key)""", cutoff))
    return deletion
