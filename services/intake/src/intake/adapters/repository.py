"""Intake's PostgreSQL repository: raw reports, signals and rejections. Runs in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class HeldSignal:
    signal_id: uuid.UUID
    report: dict[str, Any]


@dataclass(frozen=True)
class HeldRejection:
    rejection_id: uuid.UUID
    report_id: str | None
    reasons: list[dict[str, str]]


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class ReportRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_raw(self, *, partner_id: str, channel: str, source: str, payload: bytes) -> uuid.UUID:
        raw_report_id = uuid.uuid4()
        await self.conn.execute(
            "INSERT INTO raw_reports (raw_report_id, partner_id, channel, source, payload, sha256)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            raw_report_id, partner_id, channel, source, payload, sha256(payload),
        )
        return raw_report_id

    async def signal_for_update(self, partner_id: str, report_id: str) -> HeldSignal | None:
        # Locks the row: two copies of one report arriving at once are judged one after the other.
        row = await self.conn.fetchrow(
            "SELECT signal_id, report FROM signals WHERE partner_id = $1 AND report_id = $2 FOR UPDATE",
            partner_id, report_id,
        )
        return HeldSignal(row["signal_id"], json.loads(row["report"])) if row else None

    async def lock_report_id(self, partner_id: str, report_id: str) -> None:
        # A first-seen report has no row to lock yet; a transaction-scoped advisory lock on its key
        # keeps two concurrent first copies from both being taken as new.
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{partner_id}/{report_id}")

    async def save_signal(self, *, signal_id: uuid.UUID, partner_id: str, report_id: str, municipality_code: str,
                          household_key: str, person_key: str | None, category: str, status: str,
                          report: dict[str, Any], raw_report_id: uuid.UUID) -> None:
        await self.conn.execute(
            """INSERT INTO signals (signal_id, partner_id, report_id, municipality_code, household_key, person_key,
                                    category, status, report, raw_report_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
               ON CONFLICT (partner_id, report_id) DO UPDATE
                 SET status = EXCLUDED.status, report = EXCLUDED.report,
                     raw_report_id = EXCLUDED.raw_report_id, updated_at = now()""",
            signal_id, partner_id, report_id, municipality_code, household_key, person_key, category, status,
            json.dumps(report), raw_report_id,
        )

    async def rejection_of(self, partner_id: str, raw: bytes) -> HeldRejection | None:
        row = await self.conn.fetchrow(
            "SELECT rejection_id, report_id, reasons FROM rejections WHERE partner_id = $1 AND raw_sha256 = $2",
            partner_id, sha256(raw),
        )
        return HeldRejection(row["rejection_id"], row["report_id"], json.loads(row["reasons"])) if row else None

    async def add_rejection(self, *, raw_report_id: uuid.UUID, partner_id: str, report_id: str | None,
                            raw: bytes, reasons: list[dict[str, str]]) -> uuid.UUID:
        rejection_id = uuid.uuid4()
        await self.conn.execute(
            "INSERT INTO rejections (rejection_id, raw_report_id, partner_id, report_id, raw_sha256, reasons)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
            rejection_id, raw_report_id, partner_id, report_id, sha256(raw), json.dumps(reasons),
        )
        return rejection_id
