"""The audit log: who read or changed which case data, and when. Only ids and names of actions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Reader:
    """Whoever reads case data: a staff member through the API, or an operator's command."""

    staff_id: str
    role: str
    # The municipalities whose cases this reader may open; None for the API's tokens and operators'
    # commands, which serve the whole installation.
    municipalities: tuple[str, ...] | None = None


async def record(conn: asyncpg.Connection | asyncpg.Pool, reader: Reader, action: str,
                 case_ids: Sequence[uuid.UUID] = (), detail: str = "") -> None:
    await conn.execute(
        "INSERT INTO audit_log (staff_id, role, action, case_ids, detail) VALUES ($1, $2, $3, $4::uuid[], $5)",
        reader.staff_id, reader.role, action, list(case_ids), detail)


async def entries(conn: asyncpg.Connection | asyncpg.Pool, *, case_id: uuid.UUID | None = None,
                  staff_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT audit_id, at, staff_id, role, action, case_ids, detail FROM audit_log
           WHERE ($1::uuid IS NULL OR case_ids @> ARRAY[$1::uuid]) AND ($2::text IS NULL OR staff_id = $2)
             AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
           ORDER BY audit_id DESC LIMIT $5 OFFSET $6""",
        case_id, staff_id, since, until, limit, offset)
    return [dict(r) for r in rows]
