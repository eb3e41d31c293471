"""Matching's PostgreSQL repository: households, their signals and the decision log."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import asyncpg

from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import SealedContact

from ..domain.decisions import empty_announced
from ..domain.model import Signal


class HouseholdRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock(self, household_key: str, municipality_code: str) -> dict[str, Any]:
        """The household's announced state, locked for this transaction (created if new)."""
        await self.conn.execute(
            "INSERT INTO households (household_key, municipality_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            household_key, municipality_code,
        )
        announced = await self.conn.fetchval(
            "SELECT announced FROM households WHERE household_key = $1 FOR UPDATE", household_key)
        return json.loads(announced) if announced else empty_announced()

    async def save_announced(self, household_key: str, announced: dict[str, Any]) -> None:
        await self.conn.execute(
            "UPDATE households SET announced = $2::jsonb, updated_at = now() WHERE household_key = $1",
            household_key, json.dumps(announced),
        )

    async def signals(self, household_key: str) -> tuple[dict[uuid.UUID, Signal], dict[uuid.UUID, SealedContact]]:
        rows = await self.conn.fetch("SELECT * FROM signals WHERE household_key = $1", household_key)
        signals = {
            r["signal_id"]: Signal(
                signal_id=r["signal_id"], partner_id=r["partner_id"], report_id=r["report_id"],
                category=Category(r["category"]), amount=r["amount"], arrears_since=r["arrears_since"],
                signal_date=r["signal_date"], crisis=r["crisis"], closed_on=r["closed_on"], withdrawn=r["withdrawn"],
            )
            for r in rows
        }
        contacts = {r["signal_id"]: SealedContact.model_validate_json(r["sealed_contact"]) for r in rows}
        return signals, contacts

    async def save_signal(self, household_key: str, municipality_code: str, signal: Signal,
                          contact: SealedContact) -> None:
        await self.conn.execute(
            """INSERT INTO signals (signal_id, household_key, municipality_code, partner_id, report_id, category, amount,
                                    arrears_since, signal_date, crisis, closed_on, withdrawn, sealed_contact)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
               ON CONFLICT (signal_id) DO UPDATE SET
                   amount = EXCLUDED.amount, signal_date = EXCLUDED.signal_date, crisis = EXCLUDED.crisis,
                   closed_on = EXCLUDED.closed_on, withdrawn = EXCLUDED.withdrawn,
                   sealed_contact = EXCLUDED.sealed_contact, updated_at = now()""",
            signal.signal_id, household_key, municipality_code, signal.partner_id, signal.report_id,
            signal.category.value, signal.amount, signal.arrears_since, signal.signal_date, signal.crisis,
            signal.closed_on, signal.withdrawn, contact.model_dump_json(),
        )

    async def record_decision(self, *, decision_id: uuid.UUID, household_key: str, cause_event_id: uuid.UUID,
                              outcome: str, rule: str, inputs: dict[str, Any]) -> None:
        await self.conn.execute(
            "INSERT INTO decisions (decision_id, household_key, cause_event_id, outcome, rule, inputs)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
            decision_id, household_key, cause_event_id, outcome, rule, json.dumps(inputs, default=str),
        )

    async def history(self, household_key: str) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            "SELECT decision_id, decided_at, outcome, rule, inputs FROM decisions WHERE household_key = $1"
            " ORDER BY decided_at, decision_id", household_key)
        return [{**dict(r), "inputs": json.loads(r["inputs"])} for r in rows]


def signal_inputs(signals: dict[uuid.UUID, Signal]) -> list[dict[str, Any]]:
    """The inputs of a decision, as stored with it (pseudonymous: no contact details)."""
    return [
        {"signal_id": str(s.signal_id), "partner_id": s.partner_id, "report_id": s.report_id,
         "category": s.category.value, "amount": str(s.amount) if s.amount is not None else None,
         "arrears_since": s.arrears_since.isoformat(), "signal_date": s.signal_date.isoformat(),
         "crisis": s.crisis, "closed_on": s.closed_on.isoformat() if isinstance(s.closed_on, date) else None,
         "withdrawn": s.withdrawn}
        for s in sorted(signals.values(), key=lambda s: (s.signal_date, s.partner_id, s.report_id))
    ]
