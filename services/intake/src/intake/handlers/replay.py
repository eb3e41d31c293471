"""Replay a stored rejection once its cause is fixed (a partner allowed a new category, say): its
bytes are taken again, reconsidered, and the rejection is marked replayed when they are accepted now."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.incoming import stored_report
from ..adapters.repository import PendingRejection, ReportRepository
from ..domain.outcome import ReportOutcome
from .dependencies import IntakeDependencies
from .take_report import Sent, take_report


@dataclass(frozen=True)
class ReplayResult:
    rejection_id: uuid.UUID
    source: str
    outcome: ReportOutcome | None  # None when there is no such rejection


async def replay_rejection(uow: UnitOfWork, deps: IntakeDependencies, rejection_id: uuid.UUID) -> ReplayResult:
    """Take a stored rejection's bytes again (channel `replay`); one accepted now is marked replayed,
    one still refused keeps its rejection, and the partner hears the new reasons when they differ."""
    repo = ReportRepository(uow.conn)
    stored = await repo.rejection_for_replay(rejection_id)
    if stored is None:
        return ReplayResult(rejection_id, "", None)
    sent = Sent(stored_report(stored.payload, stored.media_type), stored.partner_id, f"replay:{rejection_id}")
    outcome = await take_report(uow, deps, sent, channel="replay", reconsider=True)
    if outcome.status == "accepted":
        await repo.mark_replayed(rejection_id, outcome.signal_id)
    return ReplayResult(rejection_id, stored.source, outcome)


async def pending_rejections(uow: UnitOfWork, partner_id: str | None, since: datetime | None) -> list[PendingRejection]:
    """The rejections still waiting for a replay, oldest first."""
    return await ReportRepository(uow.conn).pending_rejections(partner_id, since)
