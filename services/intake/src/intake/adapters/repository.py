"""Intake's PostgreSQL repository: raw reports, signals, rejections (and, for erasure and retention,
the partners' feedback). Runs in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class HeldSignal:
    signal_id: uuid.UUID
    report: dict[str, Any]
    versions: frozenset[str]  # digests of every version accepted under this report id


@dataclass(frozen=True)
class HeldRejection:
    rejection_id: uuid.UUID
    report_id: str | None
    reasons: list[dict[str, str]]
    replayed: bool  # replayed into acceptance since: the refusal no longer stands


@dataclass(frozen=True)
class StoredRejection:
    """A rejection with the bytes it was given for, as the replay reads it."""

    rejection_id: uuid.UUID
    partner_id: str
    media_type: str
    payload: bytes
    source: str
    replayed_at: datetime | None


@dataclass(frozen=True)
class PendingRejection:
    """A rejection not replayed into acceptance yet, as the replay command lists it."""

    rejection_id: uuid.UUID
    partner_id: str
    report_id: str | None
    reasons: list[dict[str, str]]
    created_at: datetime
    source: str


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class ReportRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_raw(self, *, partner_id: str, channel: str, source: str, payload: bytes,
                      media_type: str, report_id: str | None = None) -> uuid.UUID:
        raw_report_id = uuid.uuid4()
        await self.conn.execute(
            "INSERT INTO raw_reports (raw_report_id, partner_id, channel, source, payload, sha256, media_type, report_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            raw_report_id, partner_id, channel, source, payload, sha256(payload), media_type, report_id,
        )
        return raw_report_id

    async def erase_household(self, household_key: str) -> dict[str, int]:
        """Delete the household's signals and every stored version of their reports (accepted or
        rejected), and its events in the outbox. Counts per table, never content."""
        reports = await self.conn.fetch(
            "SELECT partner_id, report_id, raw_report_id FROM signals WHERE household_key = $1", household_key)
        partners, report_ids = [r["partner_id"] for r in reports], [r["report_id"] for r in reports]
        counts = {"signals": _count(await self.conn.execute("DELETE FROM signals WHERE household_key = $1", household_key))}
        counts["rejections"] = _count(await self.conn.execute(
            "DELETE FROM rejections r USING unnest($1::text[], $2::text[]) AS k(partner_id, report_id)"
            " WHERE r.partner_id = k.partner_id AND r.report_id = k.report_id", partners, report_ids))
        counts["raw_reports"] = _count(await self.conn.execute(
            "DELETE FROM raw_reports w USING unnest($1::text[], $2::text[]) AS k(partner_id, report_id)"
            " WHERE (w.partner_id = k.partner_id AND w.report_id = k.report_id) OR w.raw_report_id = ANY($3::uuid[])",
            partners, report_ids, [r["raw_report_id"] for r in reports]))
        counts["partner_feedback"] = _count(await self.conn.execute(
            "DELETE FROM partner_feedback f USING unnest($1::text[], $2::text[]) AS k(partner_id, report_id)"
            " WHERE f.partner_id = k.partner_id AND f.report_id = k.report_id", partners, report_ids))
        counts["outbox"] = _count(await self.conn.execute("DELETE FROM outbox WHERE key = $1", household_key.encode()))
        return counts

    async def sweep_idle(self, older_than_days: int) -> dict[str, int]:
        """Retention: signals (with their raw reports) untouched for the period, and rejections as old."""
        expired = await self.conn.fetch(
            "DELETE FROM signals WHERE updated_at < now() - make_interval(days => $1) RETURNING raw_report_id",
            older_than_days)
        counts = {"signals": len(expired)}
        counts["rejections"] = _count(await self.conn.execute(
            "DELETE FROM rejections WHERE created_at < now() - make_interval(days => $1)", older_than_days))
        counts["partner_feedback"] = _count(await self.conn.execute(
            "DELETE FROM partner_feedback WHERE received_at < now() - make_interval(days => $1)", older_than_days))
        counts["raw_reports"] = _count(await self.conn.execute(
            "DELETE FROM raw_reports w WHERE received_at < now() - make_interval(days => $1)"
            " AND NOT EXISTS (SELECT 1 FROM signals s WHERE s.raw_report_id = w.raw_report_id)"
            " AND NOT EXISTS (SELECT 1 FROM rejections r WHERE r.raw_report_id = w.raw_report_id)", older_than_days))
        return counts

    async def signal_for_update(self, partner_id: str, report_id: str) -> HeldSignal | None:
        # Locks the row: two copies of one report arriving at once are judged one after the other.
        row = await self.conn.fetchrow(
            "SELECT signal_id, report, versions FROM signals WHERE partner_id = $1 AND report_id = $2 FOR UPDATE",
            partner_id, report_id,
        )
        return HeldSignal(row["signal_id"], json.loads(row["report"]), frozenset(row["versions"])) if row else None

    async def lock_report_id(self, partner_id: str, report_id: str) -> None:
        # A first-seen report has no row to lock yet; a transaction-scoped advisory lock on its key
        # keeps two concurrent first copies from both being taken as new.
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{partner_id}/{report_id}")

    async def lock_bytes(self, partner_id: str, raw: bytes) -> None:
        # Two copies of the same bad bytes at once (two HTTP requests, say) are recorded once.
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", f"{partner_id}/{sha256(raw)}")

    async def save_signal(self, *, signal_id: uuid.UUID, partner_id: str, report_id: str, municipality_code: str,
                          household_key: str, person_key: str | None, category: str, status: str,
                          report: dict[str, Any], version: str, raw_report_id: uuid.UUID,
                          warnings: list[dict[str, str]]) -> None:
        await self.conn.execute(
            """INSERT INTO signals (signal_id, partner_id, report_id, municipality_code, household_key, person_key,
                                    category, status, report, raw_report_id, versions, warnings)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, ARRAY[$11::text], $12::jsonb)
               ON CONFLICT (partner_id, report_id) DO UPDATE
                 SET status = EXCLUDED.status, report = EXCLUDED.report, raw_report_id = EXCLUDED.raw_report_id,
                     versions = signals.versions || EXCLUDED.versions, warnings = EXCLUDED.warnings,
                     updated_at = now()""",
            signal_id, partner_id, report_id, municipality_code, household_key, person_key, category, status,
            json.dumps(report), raw_report_id, version, json.dumps(warnings),
        )

    async def rejection_of(self, partner_id: str, raw: bytes) -> HeldRejection | None:
        row = await self.conn.fetchrow(
            "SELECT rejection_id, report_id, reasons, replayed_at FROM rejections WHERE partner_id = $1 AND raw_sha256 = $2",
            partner_id, sha256(raw),
        )
        return HeldRejection(row["rejection_id"], row["report_id"], json.loads(row["reasons"]),
                             row["replayed_at"] is not None) if row else None

    async def add_rejection(self, *, raw_report_id: uuid.UUID, partner_id: str, report_id: str | None,
                            raw: bytes, reasons: list[dict[str, str]]) -> uuid.UUID:
        rejection_id = uuid.uuid4()
        await self.conn.execute(
            "INSERT INTO rejections (rejection_id, raw_report_id, partner_id, report_id, raw_sha256, reasons)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
            rejection_id, raw_report_id, partner_id, report_id, sha256(raw), json.dumps(reasons),
        )
        return rejection_id

    async def refuse_again(self, rejection_id: uuid.UUID, reasons: list[dict[str, str]]) -> None:
        """The same bytes are refused now for these reasons (the refusal stands again if it was replayed)."""
        await self.conn.execute("UPDATE rejections SET reasons = $2::jsonb, reasons_updated_at = now(),"
                                " replayed_at = NULL, replayed_signal_id = NULL WHERE rejection_id = $1",
                                rejection_id, json.dumps(reasons))

    async def rejection_for_replay(self, rejection_id: uuid.UUID) -> StoredRejection | None:
        row = await self.conn.fetchrow(
            """SELECT j.rejection_id, j.partner_id, j.replayed_at, r.media_type, r.payload, r.source
               FROM rejections j JOIN raw_reports r USING (raw_report_id)
               WHERE j.rejection_id = $1 FOR UPDATE OF j""",
            rejection_id,
        )
        return StoredRejection(row["rejection_id"], row["partner_id"], row["media_type"], row["payload"], row["source"],
                               row["replayed_at"]) if row else None

    async def mark_replayed(self, rejection_id: uuid.UUID, signal_id: uuid.UUID | None) -> None:
        await self.conn.execute("UPDATE rejections SET replayed_at = now(), replayed_signal_id = $2"
                                " WHERE rejection_id = $1", rejection_id, signal_id)

    async def pending_rejections(self, partner_id: str | None, since: datetime | None) -> list[PendingRejection]:
        """Rejections not yet replayed into acceptance, of one partner or all, oldest first."""
        rows = await self.conn.fetch(
            """SELECT j.rejection_id, j.partner_id, j.report_id, j.reasons, j.created_at, r.source
               FROM rejections j JOIN raw_reports r USING (raw_report_id)
               WHERE j.replayed_at IS NULL AND ($1::text IS NULL OR j.partner_id = $1)
                 AND ($2::timestamptz IS NULL OR j.created_at >= $2)
               ORDER BY j.created_at, j.rejection_id""",
            partner_id, since,
        )
        return [PendingRejection(row["rejection_id"], row["partner_id"], row["report_id"], json.loads(row["reasons"]),
                                 row["created_at"], row["source"]) for row in rows]


def _count(status: str) -> int:
    return int(status.split()[-1])
