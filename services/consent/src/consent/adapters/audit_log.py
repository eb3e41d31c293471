"""The audit log in PostgreSQL: appends chained entries one at a time, and reads them back in order."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime

import asyncpg

from ..domain.audit import AuditEntry, ChainReport, ChainVerifier, Record
from .sql import rows_affected

# One appender at a time per database: the next entry needs the hash of the last one. The lock is
# held until the caller's transaction ends, so the entry commits (or not) with the change it records.
# It also guards audit_subjects. To stay free of deadlocks every unit of work that appends takes it
# FIRST, before any row lock (each such handler starts with `await AuditLog.locked(uow.conn)`): a unit
# may hold the work of many records (a Kafka batch), so after appending for one record it takes row
# locks for the next, and a writer that held such a row while waiting for this lock would deadlock.
_APPEND_LOCK = 0x434F_4E53_454E  # "CONSEN"


async def hold_append_lock(conn: asyncpg.Connection) -> None:
    """Take the audit lock for the rest of the transaction (taking it again is harmless)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _APPEND_LOCK)


def _entry(row: asyncpg.Record) -> AuditEntry:
    return AuditEntry(row["position"], row["entry_id"], row["recorded_at"], row["kind"], row["actor"],
                      tuple(row["subjects"]), json.loads(row["detail"]), row["prev_hash"], row["hash"])


class AuditLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    @classmethod
    async def locked(cls, conn: asyncpg.Connection) -> AuditLog:
        """The audit log of a transaction that will append to it, its lock taken now, before any row lock."""
        await hold_append_lock(conn)
        return cls(conn)

    async def record(self, record: Record, *, subjects: Iterable[str | None] = ()) -> AuditEntry:
        """Append `record` about the given pseudonyms. Call inside the transaction of the change it records."""
        await hold_append_lock(self.conn)
        now = datetime.now(UTC)
        refs = [await self._ref(key, now) for key in dict.fromkeys(s for s in subjects if s)]
        head = await self.conn.fetchrow("SELECT * FROM audit_log ORDER BY position DESC LIMIT 1")
        entry = record.chained(_entry(head) if head else None, subjects=refs, entry_id=uuid.uuid4(), recorded_at=now)
        await self.conn.execute(
            """INSERT INTO audit_log (position, entry_id, recorded_at, kind, actor, subjects, detail, prev_hash, hash)
               VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)""",
            entry.position, entry.entry_id, entry.recorded_at, entry.kind, entry.actor, list(entry.subjects),
            json.dumps(entry.detail, ensure_ascii=False), entry.prev_hash, entry.hash,
        )
        return entry

    async def _ref(self, subject_key: str, now: datetime) -> uuid.UUID:
        return await self.conn.fetchval(
            """INSERT INTO audit_subjects (subject_key, audit_ref, last_event_at) VALUES ($1, $2, $3)
               ON CONFLICT (subject_key) DO UPDATE SET last_event_at = EXCLUDED.last_event_at
               RETURNING audit_ref""", subject_key, uuid.uuid4(), now)

    async def entries_about(self, subject_key: str) -> list[AuditEntry]:
        """The entries about one pseudonym, oldest first; none once its link was erased."""
        ref = await self.conn.fetchval("SELECT audit_ref FROM audit_subjects WHERE subject_key = $1", subject_key)
        if ref is None:
            return []
        rows = await self.conn.fetch("SELECT * FROM audit_log WHERE subjects @> ARRAY[$1::uuid] ORDER BY position", ref)
        return [_entry(r) for r in rows]

    async def forget(self, subject_keys: Iterable[str]) -> int:
        """Shred the links from these pseudonyms to their entries; the entries (and the chain) stay."""
        await hold_append_lock(self.conn)
        status = await self.conn.execute("DELETE FROM audit_subjects WHERE subject_key = ANY($1::text[])",
                                         sorted(set(subject_keys)))
        return rows_affected(status)

    async def entries(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        """Every entry in position order, read in batches (keyset pagination keeps memory flat)."""
        after = 0
        while True:
            rows = await self.conn.fetch("SELECT * FROM audit_log WHERE position > $1 ORDER BY position LIMIT $2",
                                         after, batch)
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            after = rows[-1]["position"]

    async def verify(self) -> ChainReport:
        verifier = ChainVerifier()
        async for entry in self.entries():
            verifier.feed(entry)
        return verifier.report()
