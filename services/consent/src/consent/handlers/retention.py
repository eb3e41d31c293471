"""Retention: delete what consent may no longer keep, and put the counts (only the counts) on the record."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ..adapters import retention_sweeper
from ..adapters.audit_log import AuditLog
from ..domain.audit import Record
from ..domain.retention import RetentionPolicy
from . import SERVICE


async def sweep_expired(conn: asyncpg.Connection, policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    deleted = await retention_sweeper.sweep(conn, policy.cutoffs(now))
    if any(deleted.values()):
        await AuditLog(conn).record(Record("retention_swept", SERVICE, {"deleted": deleted}))
    return deleted
