"""Seen signatures of the CBS pull API (migrations/0009): a request whose payload signature was seen
within the replay window is a replay. Only a hash of the signature is stored."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import asyncpg


async def first_seen(conn: asyncpg.Connection, signature: str, *, now: datetime, window: timedelta) -> bool:
    """Remember `signature`; True the first time within `window`, False for a replay. Forgets what
    is older than the window first, so the table holds one window's signatures at most."""
    await conn.execute("DELETE FROM cbs_seen_signatures WHERE seen_at < $1", now - window)
    inserted = await conn.fetchval(
        """INSERT INTO cbs_seen_signatures (signature_sha256, seen_at) VALUES ($1, $2)
           ON CONFLICT (signature_sha256) DO NOTHING RETURNING true""",
        hashlib.sha256(signature.strip().encode()).digest(), now)
    return bool(inserted)
