"""The audit log: who read or changed which case data, and when. Only ids and names of actions.

Each row carries the municipality of the cases it is about, and a hash chained to the row before it
(written by the database: migrations/0008; checked by `chain` and domain/audit_chain.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ..domain.audit_chain import ChainRow


@dataclass(frozen=True)
class Reader:
    """Whoever reads case data: a staff member through the API, or an operator's command."""

    staff_id: str
    role: str
    # The municipalities whose cases this reader may open; None for operators' commands, which
    # serve the whole installation.
    municipalities: tuple[str, ...] | None = None


async def record(conn: asyncpg.Connection | asyncpg.Pool, reader: Reader, action: str,
                 case_ids: Sequence[uuid.UUID] = (), detail: str = "", *,
                 municipality_code: str | None = None) -> None:
    """Write down what `reader` did. About cases: one row per municipality of those cases, each with
    that municipality's case ids, so an auditor who serves one municipality sees its part of a read
    and no case id of another. Case ids no longer in `cases` go into a row without municipality.
    About no case: one row, with `municipality_code` when the action concerned one municipality."""
    ids = list(case_ids)
    groups: dict[str | None, list[uuid.UUID]] = {}
    if ids:
        found = {r["case_id"]: r["municipality_code"] for r in await conn.fetch(
            "SELECT case_id, municipality_code FROM cases WHERE case_id = ANY($1::uuid[])", ids)}
        for case_id in ids:
            groups.setdefault(found.get(case_id), []).append(case_id)
    else:
        groups[municipality_code] = []
    # The database chains each row to the one before (migrations/0008), under a lock held until
    # this transaction ends: callers append last in their unit of work, after any row locks.
    await conn.executemany(
        """INSERT INTO audit_log (staff_id, role, action, case_ids, detail, municipality_code)
           VALUES ($1, $2, $3, $4::uuid[], $5, $6)""",
        [(reader.staff_id, reader.role, action, group, detail, code)
         for code, group in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))])


async def entries(conn: asyncpg.Connection | asyncpg.Pool, *, visible_to: Reader, case_id: uuid.UUID | None = None,
                  staff_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Rows newest first. A reader limited to municipalities sees the rows of those municipalities,
    and the rows without a municipality that they made themselves (their sign-ins, say)."""
    rows = await conn.fetch(
        """SELECT audit_id, at, staff_id, role, action, case_ids, detail, municipality_code FROM audit_log
           WHERE ($1::uuid IS NULL OR case_ids @> ARRAY[$1::uuid]) AND ($2::text IS NULL OR staff_id = $2)
             AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
             AND ($7::text[] IS NULL OR municipality_code = ANY($7::text[])
                  OR (municipality_code IS NULL AND staff_id = $8))
           ORDER BY audit_id DESC LIMIT $5 OFFSET $6""",
        case_id, staff_id, since, until, limit, offset,
        list(visible_to.municipalities) if visible_to.municipalities is not None else None, visible_to.staff_id)
    return [dict(r) for r in rows]


async def chain(conn: asyncpg.Connection | asyncpg.Pool, *, batch: int = 2000) -> AsyncIterator[ChainRow]:
    """Every row in audit id order with its hashes, read in batches (keyset pagination keeps memory flat)."""
    after = 0
    while True:
        rows = await conn.fetch(
            """SELECT audit_id, at, staff_id, role, action, case_ids, detail, municipality_code, prev_hash, hash
               FROM audit_log WHERE audit_id > $1 ORDER BY audit_id LIMIT $2""", after, batch)
        for row in rows:
            yield ChainRow(**dict(row))
        if len(rows) < batch:
            return
        after = rows[-1]["audit_id"]
