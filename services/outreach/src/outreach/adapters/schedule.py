"""The schedule: every case's plan as rows in PostgreSQL (letters, calls, visits), read with
`FOR UPDATE SKIP LOCKED`, so a restart loses nothing and two instances never do one step twice.

A planned step remembers the trace context it was planned in, so performing it later joins the trace
of whatever planned it (the report's, or a caseworker's).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from vroeg_runtime.telemetry import current_traceparent

from ..domain.plan import Step


@dataclass(frozen=True)
class DueTask:
    """One planned step of a case."""

    task_id: uuid.UUID
    case_id: uuid.UUID
    step: Step
    due_at: datetime
    cause_id: uuid.UUID  # the event or attempt that planned it
    failures: int = 0
    trace_context: dict[str, str] = field(default_factory=dict)


_COLUMNS = "task_id, case_id, step, due_at, cause_id, failures, trace_context"


def _task(row: asyncpg.Record) -> DueTask:
    return DueTask(row["task_id"], row["case_id"], Step(row["step"]), row["due_at"], row["cause_id"], row["failures"],
                   json.loads(row["trace_context"]))


class Schedule:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    # Planning

    async def plan_letter(self, case_id: uuid.UUID, *, at: datetime, cause_id: uuid.UUID,
                          follow_up: bool = False) -> bool:
        """Plan the case's first letter (or a follow-up letter) for `at`; the schedule loop writes
        and sends it then. False if that letter is already planned."""
        return await self.plan(case_id, Step.FOLLOW_UP_LETTER if follow_up else Step.FIRST_LETTER, at=at,
                               cause_id=cause_id)

    async def plan(self, case_id: uuid.UUID, step: Step, *, at: datetime, cause_id: uuid.UUID) -> bool:
        """Plan a step; False if the same step is already pending for the case."""
        inserted = await self.conn.fetchval(
            """INSERT INTO schedule (task_id, case_id, step, due_at, cause_id, trace_context)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb)
               ON CONFLICT (case_id, step) WHERE done_at IS NULL AND cancelled_at IS NULL DO NOTHING RETURNING true""",
            uuid.uuid4(), case_id, step.value, at, cause_id, json.dumps(current_traceparent()),
        )
        return bool(inserted)

    async def plan_many(self, steps: list[tuple[uuid.UUID, Step, datetime, uuid.UUID, dict[str, str]]]) -> None:
        """`plan` for several (case, step, due at, cause, trace context), in one round trip."""
        await self.conn.execute(
            """INSERT INTO schedule (task_id, case_id, step, due_at, cause_id, trace_context)
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::jsonb[])
               ON CONFLICT (case_id, step) WHERE done_at IS NULL AND cancelled_at IS NULL DO NOTHING""",
            [uuid.uuid4() for _ in steps], [s[0] for s in steps], [s[1].value for s in steps], [s[2] for s in steps],
            [s[3] for s in steps], [json.dumps(s[4]) for s in steps])

    async def reschedule(self, task_id: uuid.UUID, due_at: datetime) -> None:
        await self.conn.execute("UPDATE schedule SET due_at = $2 WHERE task_id = $1", task_id, due_at)

    # What is planned

    async def pending(self, case_id: uuid.UUID, steps: tuple[Step, ...]) -> list[DueTask]:
        rows = await self.conn.fetch(
            f"""SELECT {_COLUMNS} FROM schedule
                WHERE case_id = $1 AND step = ANY($2::text[]) AND done_at IS NULL AND cancelled_at IS NULL
                ORDER BY due_at""",
            case_id, [s.value for s in steps])
        return [_task(r) for r in rows]

    async def contact_planned(self, case_id: uuid.UUID) -> bool:
        """Whether a contact step (call, visit, follow-up letter) is pending or done for the case."""
        return bool(await self.conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM schedule WHERE case_id = $1 AND step <> 'first_letter' AND cancelled_at IS NULL)",
            case_id))

    async def pending_visits(self, municipality_code: str) -> list[DueTask]:
        """The visits planned and not yet due for one municipality's cases."""
        rows = await self.conn.fetch(
            f"""SELECT {_COLUMNS} FROM schedule
                WHERE step = 'visit' AND done_at IS NULL AND cancelled_at IS NULL
                  AND case_id IN (SELECT case_id FROM cases WHERE municipality_code = $1)
                FOR UPDATE""", municipality_code)
        return [_task(r) for r in rows]

    async def due_count(self) -> int:
        """Steps that are due and not yet performed (the backlog)."""
        return await self.conn.fetchval(
            "SELECT count(*) FROM schedule WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= now()")

    # Performing

    async def next_due_many(self, now: datetime, limit: int) -> list[DueTask]:
        """Up to `limit` due steps, oldest first, locked for this transaction (SKIP LOCKED: two outreach
        instances or schedule workers never perform the same step)."""
        rows = await self.conn.fetch(
            f"""SELECT {_COLUMNS} FROM schedule
                WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= $1
                ORDER BY due_at, task_id LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now, limit,
        )
        return [_task(row) for row in rows]

    async def postpone(self, task_id: uuid.UUID, due_at: datetime, error: str) -> None:
        await self.conn.execute(
            "UPDATE schedule SET due_at = $2, failures = failures + 1, last_error = $3 WHERE task_id = $1",
            task_id, due_at, error)

    async def mark_done(self, task_id: uuid.UUID) -> None:
        await self.conn.execute("UPDATE schedule SET done_at = now() WHERE task_id = $1", task_id)

    async def mark_done_many(self, task_ids: list[uuid.UUID]) -> None:
        await self.conn.execute("UPDATE schedule SET done_at = now() WHERE task_id = ANY($1::uuid[])", task_ids)

    async def cancel(self, task_id: uuid.UUID) -> None:
        await self.conn.execute("UPDATE schedule SET cancelled_at = now() WHERE task_id = $1", task_id)

    async def cancel_case(self, case_id: uuid.UUID) -> None:
        """Cancel everything still planned for a case (it closed)."""
        await self.conn.execute(
            "UPDATE schedule SET cancelled_at = now() WHERE case_id = $1 AND done_at IS NULL AND cancelled_at IS NULL",
            case_id)
