"""The repository for a batch of reports taken in one transaction (the Kafka path, CSV imports).

`ReportRepository` makes a round trip per read and per write: five or six per report. This one
loads and locks everything a batch may read in three statements, answers the use case's reads from
memory (including what the batch itself wrote), and keeps the writes until `flush`, which stores
them with one statement per table. The use case (`handlers/take_report.py`) is the same for both;
the events it emits go to the outbox with the unit of work, also in one statement.

It only knows what was loaded: asking for a report id or bytes that were not raises `NotLoaded`,
and the caller takes the reports one by one instead.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

import asyncpg

from vroeg_runtime.bulk import columns

from .repository import HeldRejection, HeldSignal, ReportRepository, sha256

ReportKey = tuple[str, str]  # (partner_id, report_id)
BytesKey = tuple[str, str]  # (partner_id, sha256 of the raw bytes)


class NotLoaded(LookupError):
    """The batch asked for a report or bytes that were not loaded with it."""


class BatchedReportRepository(ReportRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(conn)
        self._signals: dict[ReportKey, HeldSignal | None] = {}
        self._rejections: dict[BytesKey, HeldRejection | None] = {}
        self._rejection_keys: dict[uuid.UUID, BytesKey] = {}
        self._raw_rows: list[tuple[Any, ...]] = []
        self._signal_rows: dict[ReportKey, tuple[Any, ...]] = {}
        self._new_rejections: list[tuple[Any, ...]] = []
        self._refusals: list[tuple[uuid.UUID, str]] = []

    async def load(self, reports: Iterable[ReportKey], raws: Iterable[tuple[str, bytes]]) -> None:
        """Lock and load the signals of `reports` and the rejections of the `raws` bytes."""
        report_keys = sorted(set(reports))
        bytes_keys = sorted({(partner, sha256(raw)) for partner, raw in raws})
        # The same advisory locks `lock_report_id` and `lock_bytes` take, all at once and in one
        # order, so two batches (or a batch and an HTTP request) never take them crosswise.
        locks = sorted([(f"{p}/{r}", 0) for p, r in report_keys] + [(f"{p}/{h}", 1) for p, h in bytes_keys])
        await self.conn.execute(
            "SELECT count(pg_advisory_xact_lock(hashtextextended(k, s)))"
            " FROM (SELECT k, s FROM unnest($1::text[], $2::bigint[]) AS u(k, s) ORDER BY k, s) ordered",
            [k for k, _ in locks], [s for _, s in locks])
        self._signals.update({key: None for key in report_keys})
        rows = await self.conn.fetch(
            "SELECT s.partner_id, s.report_id, s.signal_id, s.report, s.versions FROM signals s"
            " JOIN unnest($1::text[], $2::text[]) AS k(partner_id, report_id)"
            "  ON s.partner_id = k.partner_id AND s.report_id = k.report_id FOR UPDATE OF s",
            [p for p, _ in report_keys], [r for _, r in report_keys])
        for row in rows:
            self._signals[(row["partner_id"], row["report_id"])] = HeldSignal(
                row["signal_id"], json.loads(row["report"]), frozenset(row["versions"]))
        self._rejections.update({key: None for key in bytes_keys})
        rows = await self.conn.fetch(
            "SELECT j.partner_id, j.raw_sha256, j.rejection_id, j.report_id, j.reasons, j.replayed_at FROM rejections j"
            " JOIN unnest($1::text[], $2::text[]) AS k(partner_id, raw_sha256)"
            "  ON j.partner_id = k.partner_id AND j.raw_sha256 = k.raw_sha256",
            [p for p, _ in bytes_keys], [h for _, h in bytes_keys])
        for row in rows:
            key = (row["partner_id"], row["raw_sha256"])
            self._rejections[key] = HeldRejection(row["rejection_id"], row["report_id"], json.loads(row["reasons"]),
                                                  row["replayed_at"] is not None)
            self._rejection_keys[row["rejection_id"]] = key

    # Reads, from what was loaded and what this batch wrote since.

    async def rejection_of(self, partner_id: str, raw: bytes) -> HeldRejection | None:
        return self._loaded(self._rejections, (partner_id, sha256(raw)))

    async def signal_for_update(self, partner_id: str, report_id: str) -> HeldSignal | None:
        return self._loaded(self._signals, (partner_id, report_id))

    async def lock_report_id(self, partner_id: str, report_id: str) -> None:
        self._loaded(self._signals, (partner_id, report_id))  # locked by `load`, or not ours to take

    async def lock_bytes(self, partner_id: str, raw: bytes) -> None:
        self._loaded(self._rejections, (partner_id, sha256(raw)))

    @staticmethod
    def _loaded(held: dict[Any, Any], key: Any) -> Any:
        if key not in held:
            raise NotLoaded(key[0])  # the partner only: the rest may be a report id or a digest
        return held[key]

    # Writes, kept until `flush`.

    async def add_raw(self, *, partner_id: str, channel: str, source: str, payload: bytes,
                      media_type: str, report_id: str | None = None) -> uuid.UUID:
        raw_report_id = uuid.uuid4()
        self._raw_rows.append((raw_report_id, partner_id, channel, source, payload, sha256(payload), media_type,
                               report_id))
        return raw_report_id

    async def save_signal(self, *, signal_id: uuid.UUID, partner_id: str, report_id: str, municipality_code: str,
                          household_key: str, person_key: str | None, category: str, status: str,
                          report: dict[str, Any], version: str, raw_report_id: uuid.UUID,
                          warnings: list[dict[str, str]]) -> None:
        key = (partner_id, report_id)
        held = self._loaded(self._signals, key)
        versions = (held.versions if held else frozenset()) | {version}
        self._signals[key] = HeldSignal(signal_id, report, versions)
        # One row per report id: the last version of the batch, with every version's digest.
        self._signal_rows[key] = (signal_id, partner_id, report_id, municipality_code, household_key, person_key,
                                  category, status, json.dumps(report), raw_report_id, sorted(versions),
                                  json.dumps(warnings))

    async def add_rejection(self, *, raw_report_id: uuid.UUID, partner_id: str, report_id: str | None,
                            raw: bytes, reasons: list[dict[str, str]]) -> uuid.UUID:
        rejection_id, key = uuid.uuid4(), (partner_id, sha256(raw))
        self._new_rejections.append((rejection_id, raw_report_id, partner_id, report_id, key[1], json.dumps(reasons)))
        self._rejections[key] = HeldRejection(rejection_id, report_id, reasons, False)
        self._rejection_keys[rejection_id] = key
        return rejection_id

    async def refuse_again(self, rejection_id: uuid.UUID, reasons: list[dict[str, str]]) -> None:
        key = self._rejection_keys[rejection_id]
        self._rejections[key] = HeldRejection(rejection_id, self._rejections[key].report_id, reasons, False)
        self._refusals.append((rejection_id, json.dumps(reasons)))

    async def flush(self) -> None:
        """Store what the batch wrote: one statement per table, in the order the foreign keys need."""
        if self._raw_rows:
            await self.conn.execute(
                "INSERT INTO raw_reports (raw_report_id, partner_id, channel, source, payload, sha256, media_type,"
                " report_id) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[],"
                " $6::text[], $7::text[], $8::text[])", *columns(self._raw_rows, 8))
        if self._signal_rows:
            await self.conn.execute(
                """INSERT INTO signals (signal_id, partner_id, report_id, municipality_code, household_key, person_key,
                                        category, status, report, raw_report_id, versions, warnings)
                   SELECT s, p, r, m, h, k, c, st, rep, raw, ARRAY(SELECT jsonb_array_elements_text(v)), w
                   FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                               $8::text[], $9::jsonb[], $10::uuid[], $11::jsonb[], $12::jsonb[])
                        AS u(s, p, r, m, h, k, c, st, rep, raw, v, w)
                   ON CONFLICT (partner_id, report_id) DO UPDATE
                     SET status = EXCLUDED.status, report = EXCLUDED.report, raw_report_id = EXCLUDED.raw_report_id,
                         versions = EXCLUDED.versions, warnings = EXCLUDED.warnings, updated_at = now()""",
                *columns([(*row[:10], json.dumps(row[10]), row[11]) for row in self._signal_rows.values()], 12))
        if self._new_rejections:
            await self.conn.executemany(
                "INSERT INTO rejections (rejection_id, raw_report_id, partner_id, report_id, raw_sha256, reasons)"
                " VALUES ($1, $2, $3, $4, $5, $6::jsonb)", self._new_rejections)
        if self._refusals:
            await self.conn.executemany(
                "UPDATE rejections SET reasons = $2::jsonb, reasons_updated_at = now(), replayed_at = NULL,"
                " replayed_signal_id = NULL WHERE rejection_id = $1", self._refusals)
