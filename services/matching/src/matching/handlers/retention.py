"""The retention rule applied: forget every household with no open signal whose last event is older
than the retention period (the design: data that led to no help is deleted 6 months after the last
event).

Most idle households must be kept (they hold an open signal), so the sweep judges them in bulk: a
page of candidates is read in one query without a lock and the pure rule (`domain.retention`) is
asked about each; only the households it lets go are locked (skipping any a consumer is writing
to), judged again on what they hold now, and erased, with one statement per table. Each page is a
unit of work of its own, so a sweep never holds locks for long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.batch_repository import BatchedHouseholdRepository
from ..domain.durations import Period
from ..domain.model import Signal
from ..domain.policy import Policy
from ..domain.retention import may_forget

PAGE_SIZE = 500


@dataclass(frozen=True)
class SweptPage:
    deleted: dict[str, int] = field(default_factory=dict)  # rows per table
    resume_after: tuple[datetime, str] | None = None  # where the next page starts; None: the sweep is done


async def forget_expired_households(units: Callable[[], AbstractAsyncContextManager[UnitOfWork]],
                                    policies: Mapping[str, Policy], *, retention: Period, now: datetime,
                                    page_size: int = PAGE_SIZE) -> dict[str, int]:
    """Sweep every idle household, a page per unit of work from `units()`; the rows deleted per table."""
    totals: dict[str, int] = {}
    after: tuple[datetime, str] | None = None
    while True:
        async with units() as uow:
            page = await forget_expired_page(uow, policies, retention=retention, now=now, after=after,
                                             page_size=page_size)
        for table, count in page.deleted.items():
            totals[table] = totals.get(table, 0) + count
        if page.resume_after is None:
            return totals
        after = page.resume_after


async def forget_expired_page(uow: UnitOfWork, policies: Mapping[str, Policy], *, retention: Period, now: datetime,
                              after: tuple[datetime, str] | None = None, page_size: int = PAGE_SIZE) -> SweptPage:
    """One page of the sweep: the idle households just past `after`, oldest first."""
    repo = BatchedHouseholdRepository(uow.conn)
    candidates = await repo.idle_households(retention.before(now), page_size, after)

    def forgettable(municipality_code: str, signals: Iterable[Signal], last_event_at: datetime) -> bool:
        policy = policies.get(municipality_code)  # without its policy, nothing says a signal is over
        return policy is not None and may_forget(signals, policy, last_event_at=last_event_at, now=now,
                                                 retention=retention)

    let_go = [c.household_key for c in candidates if forgettable(c.municipality_code, c.signals, c.last_event_at)]
    deleted: dict[str, int] = {}
    if let_go:
        # Locked now, and judged again: a report may have come in since the page was read.
        await repo.load(let_go, skip_locked=True)
        still = []
        for key in let_go:
            household = await repo.lock(key)
            if household is not None and forgettable(household.municipality_code, household.signals.values(),
                                                     household.last_event_at):
                still.append(key)
        if still:
            deleted = await repo.erase_many(still)
    last = candidates[-1] if len(candidates) == page_size else None
    return SweptPage(deleted, (last.last_event_at, last.household_key) if last else None)
