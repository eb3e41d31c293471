"""The retention sweep: delete the cases that led to no help once the retention period after their
last event has passed, with everything of theirs (their letter PDFs and referral packages too), and
the signals not picked up (and their feedback) of households that no longer have a case."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.deletion import delete_expired
from ..domain.ddas_lists import HELP_OUTCOMES
from .dependencies import OutreachDependencies
from .erasure import erase_files

log = structlog.get_logger(__name__)


async def sweep_expired(uow: UnitOfWork, deps: OutreachDependencies, *, now: datetime | None = None) -> dict[str, int]:
    """One retention sweep (`deps.settings.retention`); logs counts only (what was deleted must not
    reappear in a log). Files are deleted as erasure deletes them (`erase_files`)."""
    cutoff = (now or datetime.now(UTC)) - deps.settings.retention
    deletion = await delete_expired(uow.conn, cutoff=cutoff, help_outcomes=HELP_OUTCOMES)
    deleted = deletion.rows | await erase_files(deletion.files, deps)
    log.info("retention_swept", cutoff=cutoff.isoformat(), **{f"deleted_{t}": n for t, n in deleted.items()})
    return deleted
