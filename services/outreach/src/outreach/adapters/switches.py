"""Run-time switches in outreach's database (visits on or off): every instance reads the same value,
and it survives restarts. Without a stored value the configuration's default holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import asyncpg

from ..domain.plan import ContactRules

VISITS = "visits"


@dataclass(frozen=True)
class Switch:
    name: str
    enabled: bool
    changed_by: str | None  # None: the configuration's default, never changed at run time
    changed_at: datetime | None


async def read(conn: asyncpg.Connection | asyncpg.Pool, name: str, *, default: bool) -> Switch:
    row = await conn.fetchrow("SELECT enabled, changed_by, changed_at FROM switches WHERE name = $1", name)
    if row is None:
        return Switch(name, default, None, None)
    return Switch(name, row["enabled"], row["changed_by"], row["changed_at"])


async def enabled(conn: asyncpg.Connection, name: str, *, default: bool) -> bool:
    return (await read(conn, name, default=default)).enabled


async def current_rules(conn: asyncpg.Connection, configured: ContactRules) -> ContactRules:
    """The contact rules with visits as an admin last switched them (`configured` holds the default)."""
    return replace(configured, visits_enabled=await enabled(conn, VISITS, default=configured.visits_enabled))


async def set_switch(conn: asyncpg.Connection, name: str, value: bool, *, default: bool, changed_by: str) -> bool:
    """Store the value; returns the value it had before. Call in a unit of work.

    The advisory lock serialises two admins switching at once (even before the first row exists),
    so whatever follows a change runs once per actual change.
    """
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('switch:' || $1))", name)
    before = await enabled(conn, name, default=default)
    await conn.execute(
        """INSERT INTO switches (name, enabled, changed_by, changed_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (name) DO UPDATE SET enabled = $2, changed_by = $3, changed_at = now()""",
        name, value, changed_by)
    return before
