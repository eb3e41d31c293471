"""Deletes what consent may no longer keep, one data class at a time, given each class's cutoff."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from .sql import rows_affected

# One statement per data class (see domain/retention.py); $1 is the class's cutoff.
_SWEEPS: dict[str, str] = {
    # Data that led to no help: gone when the household's last decision is older than the cutoff.
    "share_decisions": """
        DELETE FROM share_decisions d
        WHERE d.decided_at < $1
          AND NOT EXISTS (SELECT 1 FROM share_decisions recent
                          WHERE coalesce(recent.household_key, recent.person_key, recent.request_id::text)
                              = coalesce(d.household_key, d.person_key, d.request_id::text)
                            AND recent.decided_at >= $1)""",
    # LEAST ignores NULL: a consent ended at its withdrawal or its expiry, whichever came first.
    "ended_consents": "DELETE FROM consents WHERE least(withdrawn_at, valid_until) < $1",
    # The audit entries stay; only the link from a pseudonym goes, once nothing else about it is held.
    "audit_links": """
        DELETE FROM audit_subjects s
        WHERE s.last_event_at < $1
          AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_key = s.subject_key)
          AND NOT EXISTS (SELECT 1 FROM share_decisions d
                          WHERE d.person_key = s.subject_key OR d.household_key = s.subject_key)
          AND NOT EXISTS (SELECT 1 FROM erasure_requests e
                          WHERE e.household_key = s.subject_key OR e.person_key = s.subject_key)""",
    # A pending request is never swept: it must stay visible until every service answered.
    "completed_erasures": "DELETE FROM erasure_requests WHERE completed_at < $1",
    "inbox": "DELETE FROM inbox WHERE received_at < $1",
}


async def sweep(conn: asyncpg.Connection, cutoffs: dict[str, datetime]) -> dict[str, int]:
    """Delete expired rows of every class in `cutoffs`; returns counts per class, nothing else.
    Call it holding the audit lock (`audit_log.hold_append_lock`): it guards audit_subjects."""
    deleted = {}
    for data_class, cutoff in sorted(cutoffs.items(), key=lambda item: list(_SWEEPS).index(item[0])):
        status = await conn.execute(_SWEEPS[data_class], cutoff)
        deleted[data_class] = rows_affected(status)
    return deleted
