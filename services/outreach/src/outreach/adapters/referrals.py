"""Referrals: the requests waiting for consent (a table), and where a granted package goes (a
folder, like the letters; a real deployment plugs in the recipient's secure channel)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from .mail import remove_file, write_atomically


@dataclass(frozen=True)
class StoredReferral:
    request_id: uuid.UUID
    case_id: uuid.UUID
    recipient: str
    purpose: str
    data_categories: tuple[str, ...]
    status: str


class ReferralRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, *, request_id: uuid.UUID, case_id: uuid.UUID, recipient: str, purpose: str,
                  data_categories: list[str], requested_by: str) -> None:
        await self.conn.execute(
            """INSERT INTO referrals (request_id, case_id, recipient, purpose, data_categories, requested_by)
               VALUES ($1, $2, $3, $4, $5, $6)""",
            request_id, case_id, recipient, purpose, data_categories, requested_by)

    async def for_update(self, request_id: uuid.UUID) -> StoredReferral | None:
        row = await self.conn.fetchrow("SELECT * FROM referrals WHERE request_id = $1 FOR UPDATE", request_id)
        if row is None:
            return None
        return StoredReferral(row["request_id"], row["case_id"], row["recipient"], row["purpose"],
                              tuple(row["data_categories"]), row["status"])

    async def mark_sent(self, request_id: uuid.UUID, *, permitted: list[str], sent_to: str, decided_at: datetime) -> None:
        await self.conn.execute(
            "UPDATE referrals SET status = 'sent', permitted = $2, sent_to = $3, decided_at = $4 WHERE request_id = $1",
            request_id, permitted, sent_to, decided_at)

    async def mark_denied(self, request_id: uuid.UUID, *, reason: str, decided_at: datetime) -> None:
        await self.conn.execute(
            "UPDATE referrals SET status = 'denied', reason = $2, decided_at = $3 WHERE request_id = $1",
            request_id, reason, decided_at)


class ReferralSink(Protocol):
    async def send(self, request_id: uuid.UUID, package: dict[str, Any], *, municipality_code: str) -> str:
        """Deliver a referral package; return a reference to where it went. Idempotent by request id."""

    async def erase(self, request_ids: Collection[uuid.UUID], *, municipality_code: str) -> int:
        """Delete the channel's copies of these packages (ids it never saw are no error); how many it deleted."""


class FolderReferrals:
    """The default: each package lands as a JSON file, written atomically, named by its request id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, request_id: uuid.UUID, package: dict[str, Any], *, municipality_code: str) -> str:
        target = self.folder / municipality_code / f"{request_id}.json"
        write_atomically(target, json.dumps(package, ensure_ascii=False, indent=2).encode())
        return str(target)

    async def erase(self, request_ids: Collection[uuid.UUID], *, municipality_code: str) -> int:
        return sum(remove_file(self.folder / municipality_code / f"{request_id}.json") for request_id in request_ids)
