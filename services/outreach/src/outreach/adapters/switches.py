"""Run-time switches in outreach's database: home visits on or off, per municipality. Every instance
reads the same value, and it survives restarts. Without a stored value the configuration's default holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import asyncpg

from ..domain.plan import ContactRules

# Before visits were switched per municipality, one switch (`visits`) served the whole installation;
# it still holds for a municipality that was never switched on its own.
INSTALLATION_VISITS = "visits"


def visits_name(municipality_code: str) -> str:
    return f"visits:{municipality_code}"


@dataclass(frozen=True)
class Switch:
    name: str
    enabled: bool
    changed_by: str | None  # None: the configuration's default, never changed at run time
    changed_at: datetime | None


async def read_visits(conn: asyncpg.Connection | asyncpg.Pool, municipality_code: str, *, default: bool) -> Switch:
    own = visits_name(municipality_code)
    row = await conn.fetchrow(
        """SELECT enabled, changed_by, changed_at FROM switches WHERE name = ANY($1::text[])
           ORDER BY name = $2 DESC LIMIT 1""", [own, INSTALLATION_VISITS], own)
    if row is None:
        return Switch(own, default, None, None)
    return Switch(own, row["enabled"], row["changed_by"], row["changed_at"])


async def current_rules(conn: asyncpg.Connection, configured: ContactRules, municipality_code: str) -> ContactRules:
    """A municipality's contact rules with visits as an admin last switched them there (`configured`
    holds the default)."""
    switch = await read_visits(conn, municipality_code, default=configured.visits_enabled)
    return replace(configured, visits_enabled=switch.enabled)


async def set_visits(conn: asyncpg.Connection, municipality_code: str, value: bool, *, default: bool,
                     changed_by: str) -> bool:
    """Store one municipality's value; returns the value it had before. Call in a unit of work.

    The advisory lock serialises two admins switching at once (even before the first row exists),
    so whatever follows a change runs once per actual change.
    """
    name = visits_name(municipality_code)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('switch:' || $1))", name)
    before = (await read_visits(conn, municipality_code, default=default)).enabled
    await conn.execute(
        """INSERT INTO switches (name, enabled, changed_by, changed_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (name) DO UPDATE SET enabled = $2, changed_by = $3, changed_at = now()""",
        name, value, changed_by)
    return before
