"""Matching's PostgreSQL repository: households, their signals, closed cases and the decision log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg

from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import SealedContact

from ..domain.decisions import empty_announced
from ..domain.history import DecisionRecord, HouseholdHistory
from ..domain.household import Household, IdleHousehold
from ..domain.model import Signal

# Every table that holds rows about a household, in the order erasure deletes them.
HOUSEHOLD_TABLES = ("signals", "decisions", "case_closures", "decision_reads", "households")
# What `_signal` reads of a signal row (the sealed contact is not among them).
SIGNAL_COLUMNS = ("signal_id, partner_id, report_id, category, amount, arrears_since, signal_date, crisis, closed_on,"
                  " withdrawn, withdrawn_on, reported_open, person_key, warm_handover")


class HouseholdRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock(self, household_key: str, *, create_in: str | None = None) -> Household | None:
        """The household, locked for this transaction; None if unknown (created if `create_in`
        names its municipality)."""
        if create_in is not None:
            await self.conn.execute(
                "INSERT INTO households (household_key, municipality_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                household_key, create_in)
        row = await self.conn.fetchrow(
            "SELECT municipality_code, announced, last_event_at FROM households WHERE household_key = $1 FOR UPDATE",
            household_key)
        if row is None:
            return None
        rows = await self.conn.fetch("SELECT * FROM signals WHERE household_key = $1", household_key)
        closed = await self.conn.fetch("SELECT episode_id, closed_on FROM case_closures WHERE household_key = $1",
                                       household_key)
        return Household(
            household_key=household_key, municipality_code=row["municipality_code"],
            announced=json.loads(row["announced"]) if row["announced"] else empty_announced(),
            signals={r["signal_id"]: _signal(r) for r in rows},
            contacts={r["signal_id"]: SealedContact.model_validate_json(r["sealed_contact"]) for r in rows},
            closed={r["episode_id"]: r["closed_on"] for r in closed}, last_event_at=row["last_event_at"])

    async def save_announced(self, household_key: str, announced: dict[str, Any]) -> None:
        """Store what was announced; every handled event passes here, so it is also the last event."""
        await self.conn.execute(
            "UPDATE households SET announced = $2::jsonb, updated_at = now(), last_event_at = now()"
            " WHERE household_key = $1", household_key, json.dumps(announced))

    async def save_signal(self, household_key: str, municipality_code: str, signal: Signal,
                          contact: SealedContact) -> None:
        await self.conn.execute(
            """INSERT INTO signals (signal_id, household_key, municipality_code, partner_id, report_id, category, amount,
                                    arrears_since, signal_date, crisis, closed_on, withdrawn, reported_open, sealed_contact,
                                    person_key, warm_handover, withdrawn_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16, $17)
               ON CONFLICT (signal_id) DO UPDATE SET
                   amount = EXCLUDED.amount, arrears_since = EXCLUDED.arrears_since, signal_date = EXCLUDED.signal_date,
                   crisis = EXCLUDED.crisis, closed_on = EXCLUDED.closed_on, withdrawn = EXCLUDED.withdrawn,
                   reported_open = EXCLUDED.reported_open, sealed_contact = EXCLUDED.sealed_contact,
                   person_key = EXCLUDED.person_key, warm_handover = EXCLUDED.warm_handover,
                   withdrawn_on = EXCLUDED.withdrawn_on, updated_at = now()""",
            signal.signal_id, household_key, municipality_code, signal.partner_id, signal.report_id,
            signal.category.value, signal.amount, signal.arrears_since, signal.signal_date, signal.crisis,
            signal.closed_on, signal.withdrawn, signal.reported_open, contact.model_dump_json(),
            signal.person_key, signal.warm_handover, signal.withdrawn_on,
        )

    async def save_closure(self, household_key: str, episode_id: uuid.UUID, closed_on: date) -> date:
        """Remember that outreach closed a case; the latest close wins, whatever order they came in."""
        return await self.conn.fetchval(
            """INSERT INTO case_closures (episode_id, household_key, closed_on) VALUES ($1, $2, $3)
               ON CONFLICT (episode_id) DO UPDATE SET closed_on = greatest(case_closures.closed_on, EXCLUDED.closed_on)
               RETURNING closed_on""", episode_id, household_key, closed_on)

    async def record_decision(self, *, decision_id: uuid.UUID, household_key: str, cause_event_id: uuid.UUID,
                              outcome: str, rule: str, inputs: dict[str, Any], policy_version: str,
                              episode_id: uuid.UUID | None = None, signal_id: uuid.UUID | None = None,
                              event_id: uuid.UUID | None = None) -> None:
        await self.conn.execute(
            "INSERT INTO decisions (decision_id, household_key, cause_event_id, outcome, rule, inputs, episode_id,"
            " signal_id, event_id, policy_version) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)",
            decision_id, household_key, cause_event_id, outcome, rule, json.dumps(inputs, default=str),
            episode_id, signal_id, event_id, policy_version)

    async def history(self, household_key: str) -> HouseholdHistory | None:
        municipality_code = await self.conn.fetchval(
            "SELECT municipality_code FROM households WHERE household_key = $1", household_key)
        if municipality_code is None:
            return None
        rows = await self.conn.fetch(
            "SELECT decision_id, decided_at, outcome, rule, policy_version, episode_id, signal_id, event_id,"
            " cause_event_id, inputs FROM decisions WHERE household_key = $1 ORDER BY seq", household_key)
        return HouseholdHistory(household_key, municipality_code,
                                [DecisionRecord(**{**dict(r), "inputs": json.loads(r["inputs"])}) for r in rows])

    async def record_read(self, household_key: str, *, reader: str, role: str, channel: str,
                          action: str = "read") -> None:
        """Note a read of the history, or (`action`, such as `refused:household`) a refused one."""
        await self.conn.execute(
            "INSERT INTO decision_reads (household_key, reader, role, channel, action) VALUES ($1, $2, $3, $4, $5)",
            household_key, reader, role, channel, action)

    async def erase(self, household_key: str) -> dict[str, int]:
        """Delete every row about the household, including its messages in the outbox; counts per table."""
        return await self.erase_many([household_key])

    async def erase_many(self, household_keys: Sequence[str]) -> dict[str, int]:
        """Delete every row about the households, their messages in the outbox too, with one
        statement per table; the rows deleted per table, added up over the households."""
        keys = list(household_keys)
        counts = {}
        for table in HOUSEHOLD_TABLES:
            status = await self.conn.execute(f"DELETE FROM {table} WHERE household_key = ANY($1::text[])", keys)  # noqa: S608
            counts[table] = int(status.split()[-1])
        status = await self.conn.execute("DELETE FROM outbox WHERE key = ANY($1::bytea[])", [k.encode() for k in keys])
        counts["outbox"] = int(status.split()[-1])
        return counts

    async def idle_households(self, cutoff: datetime, limit: int,
                              after: tuple[datetime, str] | None = None) -> list[IdleHousehold]:
        """Up to `limit` households whose last event is before `cutoff`, oldest first from just past
        `after` (last event, key), with their signals: the candidates for retention, in ONE query and
        without a lock, so that judging thousands of households that must be kept costs a query per
        page rather than a transaction and a lock each."""
        after = after or (datetime.min.replace(tzinfo=cutoff.tzinfo), "")
        rows = await self.conn.fetch(
            f"""WITH page AS (
                    SELECT household_key, municipality_code, last_event_at FROM households
                    WHERE last_event_at < $1 AND (last_event_at, household_key) > ($2, $3)
                    ORDER BY last_event_at, household_key LIMIT $4)
                SELECT p.household_key, p.municipality_code, p.last_event_at, s.*
                FROM page p LEFT JOIN LATERAL (
                    SELECT {SIGNAL_COLUMNS} FROM signals WHERE household_key = p.household_key OFFSET 0) s ON true
                ORDER BY p.last_event_at, p.household_key""",  # noqa: S608
            cutoff, after[0], after[1], limit)
        households: dict[str, IdleHousehold] = {}
        for row in rows:
            household = households.setdefault(row["household_key"], IdleHousehold(
                household_key=row["household_key"], municipality_code=row["municipality_code"],
                last_event_at=row["last_event_at"], signals=[]))
            if row["signal_id"] is not None:
                household.signals.append(_signal(row))
        return list(households.values())


def _signal(row: asyncpg.Record) -> Signal:
    return Signal(signal_id=row["signal_id"], partner_id=row["partner_id"], report_id=row["report_id"],
                  category=Category(row["category"]), amount=row["amount"], arrears_since=row["arrears_since"],
                  signal_date=row["signal_date"], crisis=row["crisis"], closed_on=row["closed_on"],
                  withdrawn=row["withdrawn"], withdrawn_on=row["withdrawn_on"], reported_open=row["reported_open"],
                  person_key=row["person_key"], warm_handover=row["warm_handover"])
