"""Today's work for a caseworker or supervisor: the open cases of their municipalities that need
someone, per bucket, filtered and paged. The list shows no contact details; it is still an audited
read, of the cases it lists."""

from __future__ import annotations

from datetime import date

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.todays_work import TodaysWorkReads
from ..domain.todays_work import BUCKETS, TodaysWork, WorkFilter


async def todays_work(uow: UnitOfWork, day: date, work_filter: WorkFilter, *, page: int, reader: audit.Reader,
                      municipalities: tuple[str, ...]) -> TodaysWork:
    reads = TodaysWorkReads(uow.conn)
    counts, rows = await reads.counts_and_page(day, municipalities, work_filter, reader.staff_id, page)
    by_bucket: dict[str, list] = {bucket: [] for bucket in BUCKETS}
    for row in rows:
        by_bucket[row.bucket].append(row)
    await audit.record(uow.conn, reader, "read:todays-work", sorted({r.case_id for r in rows}), day.isoformat())
    return TodaysWork(day, {b: counts.get(b, 0) for b in BUCKETS}, by_bucket, page, work_filter)
