"""Outreach's PostgreSQL repository: cases, their signals, letters, contact attempts and the schedule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from vroeg_contracts.events import SignalRef
from vroeg_contracts.privacy import ContactDetails

from ..domain.plan import Step


@dataclass(frozen=True)
class Case:
    case_id: uuid.UUID
    household_key: str
    municipality_code: str
    correlation_id: uuid.UUID
    intensity: str
    action: str
    status: str
    contact: ContactDetails
    has_phone: bool


@dataclass(frozen=True)
class DueTask:
    task_id: uuid.UUID
    case_id: uuid.UUID
    step: Step
    due_at: datetime
    cause_id: uuid.UUID


def _case(row: asyncpg.Record) -> Case:
    return Case(row["case_id"], row["household_key"], row["municipality_code"], row["correlation_id"],
                row["intensity"], row["action"], row["status"], ContactDetails.model_validate_json(row["contact"]),
                row["has_phone"])


class CaseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_case(self, *, case_id: uuid.UUID, household_key: str, municipality_code: str,
                       correlation_id: uuid.UUID, intensity: str, action: str, rule: str,
                       contact: ContactDetails) -> bool:
        """False if the case exists already (a redelivered decision)."""
        inserted = await self.conn.fetchval(
            """INSERT INTO cases (case_id, household_key, municipality_code, correlation_id, intensity, action, rule,
                                  contact, has_phone)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT (case_id) DO NOTHING RETURNING true""",
            case_id, household_key, municipality_code, correlation_id, intensity, action, rule,
            contact.model_dump_json(exclude_none=True), bool(contact.phone),
        )
        return bool(inserted)

    async def case_for_update(self, case_id: uuid.UUID) -> Case | None:
        row = await self.conn.fetchrow("SELECT * FROM cases WHERE case_id = $1 FOR UPDATE", case_id)
        return _case(row) if row else None

    async def update_case(self, case_id: uuid.UUID, *, intensity: str, action: str, rule: str,
                          contact: ContactDetails) -> None:
        await self.conn.execute(
            "UPDATE cases SET intensity = $2, action = $3, rule = $4, contact = $5::jsonb, has_phone = $6"
            " WHERE case_id = $1",
            case_id, intensity, action, rule, contact.model_dump_json(exclude_none=True), bool(contact.phone),
        )

    async def add_signals(self, case_id: uuid.UUID, signals: list[SignalRef]) -> None:
        await self.conn.executemany(
            """INSERT INTO case_signals (case_id, signal_id, partner_id, report_id, category, signal_date, arrears_since,
                                         amount, crisis)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING""",
            [(case_id, s.signal_id, s.partner_id, s.report_id, s.category.value, s.signal_date, s.arrears_since,
              s.amount, s.crisis)
             for s in signals],
        )

    async def signals(self, case_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self.conn.fetch("SELECT * FROM case_signals WHERE case_id = $1 ORDER BY signal_date, partner_id",
                                     case_id)
        return [dict(r) for r in rows]

    async def schedule(self, case_id: uuid.UUID, step: Step, due_at: datetime, cause_id: uuid.UUID) -> bool:
        """Plan a step; False if the same step is already pending for the case."""
        inserted = await self.conn.fetchval(
            """INSERT INTO schedule (task_id, case_id, step, due_at, cause_id) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (case_id, step) WHERE done_at IS NULL AND cancelled_at IS NULL DO NOTHING RETURNING true""",
            uuid.uuid4(), case_id, step.value, due_at, cause_id,
        )
        return bool(inserted)

    async def contact_planned(self, case_id: uuid.UUID) -> bool:
        """Whether a contact step (call, visit, follow-up letter) is pending or done for the case."""
        return bool(await self.conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM schedule WHERE case_id = $1 AND step <> 'first_letter' AND cancelled_at IS NULL)",
            case_id))

    async def first_letter_sent_at(self, case_id: uuid.UUID) -> datetime | None:
        return await self.conn.fetchval("SELECT min(sent_at) FROM letters WHERE case_id = $1 AND kind = 'first'", case_id)

    async def due_tasks(self, now: datetime, limit: int) -> list[DueTask]:
        # SKIP LOCKED: two outreach instances never perform the same step.
        rows = await self.conn.fetch(
            """SELECT task_id, case_id, step, due_at, cause_id FROM schedule
               WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= $1
               ORDER BY due_at, task_id LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now, limit,
        )
        return [DueTask(r["task_id"], r["case_id"], Step(r["step"]), r["due_at"], r["cause_id"]) for r in rows]

    async def mark_done(self, task_id: uuid.UUID) -> None:
        await self.conn.execute("UPDATE schedule SET done_at = now() WHERE task_id = $1", task_id)

    async def cancel(self, task_id: uuid.UUID) -> None:
        await self.conn.execute("UPDATE schedule SET cancelled_at = now() WHERE task_id = $1", task_id)

    async def add_letter(self, letter_id: uuid.UUID, case_id: uuid.UUID, kind: str, sent_at: datetime,
                         delivered_to: str) -> None:
        await self.conn.execute(
            "INSERT INTO letters (letter_id, case_id, kind, sent_at, delivered_to) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT DO NOTHING",
            letter_id, case_id, kind, sent_at, delivered_to,
        )

    async def add_contact_attempt(self, *, case_id: uuid.UUID, kind: str, reached: bool, attempted_on: date,
                                  day_part: str | None, registered_by: str, attempt_id: uuid.UUID | None = None) -> None:
        await self.conn.execute(
            """INSERT INTO contact_attempts (attempt_id, case_id, kind, reached, attempted_on, day_part, registered_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
            attempt_id or uuid.uuid4(), case_id, kind, reached, attempted_on, day_part, registered_by,
        )

    async def add_not_picked_up(self, *, signal_id: uuid.UUID, household_key: str, partner_id: str, report_id: str,
                                category: str, ddas_status: str) -> None:
        await self.conn.execute(
            """INSERT INTO signals_not_picked_up (signal_id, household_key, partner_id, report_id, category, ddas_status)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
            signal_id, household_key, partner_id, report_id, category, ddas_status,
        )
