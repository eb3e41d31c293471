"""Erasure requests and their receipts in PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

from ..domain.erasure import ErasureRequest, Receipt


class ErasureStore:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, request: ErasureRequest, *, household_key: str, person_key: str | None) -> None:
        await self.conn.execute(
            """INSERT INTO erasure_requests (request_id, municipality_code, household_key, person_key, reason,
                                             requested_by, requested_at, expected_services)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            request.request_id, request.municipality_code, household_key, person_key, request.reason,
            request.requested_by, request.requested_at, list(request.expected_services),
        )

    async def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> ErasureRequest | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self.conn.fetchrow(f"SELECT * FROM erasure_requests WHERE request_id = $1{lock}", request_id)
        if row is None:
            return None
        return (await self._with_receipts([row]))[0]

    async def list(self, *, municipalities: Iterable[str], status: str | None = None,
                   limit: int = 100) -> list[ErasureRequest]:
        """The requests of these municipalities, newest first; `status` is pending, complete or None for both."""
        condition = {"pending": "completed_at IS NULL", "complete": "completed_at IS NOT NULL", None: "true"}[status]
        rows = await self.conn.fetch(
            f"""SELECT * FROM erasure_requests WHERE municipality_code = ANY($1::text[]) AND {condition}
                ORDER BY requested_at DESC LIMIT $2""", sorted(municipalities), limit)
        return await self._with_receipts(rows)

    async def _with_receipts(self, rows: list[asyncpg.Record]) -> list[ErasureRequest]:
        receipts = await self.conn.fetch(
            "SELECT * FROM erasure_receipts WHERE request_id = ANY($1::uuid[]) ORDER BY received_at, service",
            [r["request_id"] for r in rows])
        by_request: dict[uuid.UUID, list[Receipt]] = {}
        for receipt in receipts:
            by_request.setdefault(receipt["request_id"], []).append(
                Receipt(receipt["service"], json.loads(receipt["deleted"]), receipt["answered_at"]))
        return [ErasureRequest(r["request_id"], r["municipality_code"], r["reason"], r["requested_by"],
                               r["requested_at"], tuple(r["expected_services"]),
                               tuple(by_request.get(r["request_id"], ())), r["completed_at"]) for r in rows]

    async def add_receipt(self, request_id: uuid.UUID, receipt: Receipt) -> bool:
        """False when this service answered before (its first answer stands)."""
        inserted = await self.conn.fetchval(
            """INSERT INTO erasure_receipts (request_id, service, deleted, answered_at) VALUES ($1, $2, $3::jsonb, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            request_id, receipt.service, json.dumps(receipt.deleted), receipt.answered_at)
        return bool(inserted)

    async def household_of(self, request_id: uuid.UUID) -> str | None:
        return await self.conn.fetchval("SELECT household_key FROM erasure_requests WHERE request_id = $1", request_id)

    async def complete(self, request_id: uuid.UUID, at: datetime) -> None:
        """Mark the request complete and forget whose it was: the receipts remain as the proof."""
        await self.conn.execute(
            """UPDATE erasure_requests SET completed_at = $2, household_key = NULL, person_key = NULL
               WHERE request_id = $1""", request_id, at)

    async def await_relay(self, household_key: str) -> None:
        """Wait for a relay batch in flight that holds this household's events. An event consent has
        just read back from the bus may still be in the outbox until the relay commits; once it has,
        nothing published is left here (the relay deletes what it published, ADR 0006)."""
        await self.conn.execute("SELECT 1 FROM outbox WHERE key = $1 FOR UPDATE", household_key.encode())
