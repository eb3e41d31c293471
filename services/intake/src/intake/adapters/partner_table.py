"""The partner registry in intake's database (table `partners`, ADR 0016). Runs in the caller's
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import asyncpg

from vroeg_contracts.partner_report import Category

from ..domain.partners import Partner

Source = Literal["file", "command"]


@dataclass(frozen=True)
class PartnerEntry:
    """A row of the registry: the partner, and who added (or disabled) it and when."""

    partner: Partner
    source: Source
    added_at: datetime
    added_by: str
    disabled_at: datetime | None
    disabled_by: str | None


class PartnerTable:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def entries(self) -> list[PartnerEntry]:
        rows = await self.conn.fetch("SELECT * FROM partners ORDER BY id")
        return [_entry(row) for row in rows]

    async def entry(self, partner_id: str) -> PartnerEntry | None:
        row = await self.conn.fetchrow("SELECT * FROM partners WHERE id = $1", partner_id)
        return _entry(row) if row else None

    async def add(self, partner: Partner, *, source: Source, by: str) -> bool:
        """Add the partner; False (and nothing changed) if its id is taken."""
        added = await self.conn.fetchval(
            """INSERT INTO partners (id, name, categories, municipalities, token_sha256, source, added_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING true""",
            *_columns(partner), source, by)
        return bool(added)

    async def follow_file(self, partner: Partner) -> bool:
        """Give an entry of the default registry the file's name, categories, municipalities and token;
        an entry added by the command, or a disabled one, is left as it is. True if it changed."""
        changed = await self.conn.fetchval(
            """UPDATE partners SET name = $2, categories = $3, municipalities = $4, token_sha256 = $5,
                                   updated_at = now()
               WHERE id = $1 AND source = 'file' AND disabled_at IS NULL
                 AND (name, categories, municipalities, token_sha256) IS DISTINCT FROM ($2, $3, $4, $5)
               RETURNING true""",
            *_columns(partner))
        return bool(changed)

    async def set_token(self, partner_id: str, token_sha256: str) -> bool:
        """Give an active partner added by the command a new token; False if there is none such."""
        changed = await self.conn.fetchval(
            """UPDATE partners SET token_sha256 = $2, updated_at = now()
               WHERE id = $1 AND source = 'command' AND disabled_at IS NULL RETURNING true""", partner_id, token_sha256)
        return bool(changed)

    async def disable(self, partner_id: str, *, by: str) -> bool:
        """Disable the partner; False if there is none of that id or it is disabled already."""
        disabled = await self.conn.fetchval(
            """UPDATE partners SET disabled_at = now(), disabled_by = $2, updated_at = now()
               WHERE id = $1 AND disabled_at IS NULL RETURNING true""", partner_id, by)
        return bool(disabled)


def _columns(partner: Partner) -> tuple[str, str, list[str], list[str], str]:
    return (partner.id, partner.name, sorted(c.value for c in partner.categories), sorted(partner.municipalities),
            partner.token_sha256)


def _entry(row: asyncpg.Record) -> PartnerEntry:
    partner = Partner(id=row["id"], name=row["name"], categories=frozenset(Category(c) for c in row["categories"]),
                      municipalities=frozenset(row["municipalities"]), token_sha256=row["token_sha256"],
                      active=row["disabled_at"] is None)
    return PartnerEntry(partner, row["source"], row["added_at"], row["added_by"], row["disabled_at"],
                        row["disabled_by"])
