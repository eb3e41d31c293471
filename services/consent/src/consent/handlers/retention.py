"""Retention: delete what consent may no longer keep, and put the counts (only the counts) on the record."""

from __future__ import annotations

from datetime import datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import retention_sweeper
from ..adapters.audit_log import AuditLog
from ..config import SERVICE
from ..domain.audit import Record
from ..domain.retention import RetentionPolicy


async def sweep_expired(uow: UnitOfWork, policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    audit = await AuditLog.locked(uow.conn)  # before the deletes: see adapters/audit_log.py on lock order
    deleted = await retention_sweeper.sweep(uow.conn, policy.cutoffs(now))
    if any(deleted.values()):
        await audit.record(Record("retention_swept", SERVICE, {"deleted": deleted}))
    return deleted
