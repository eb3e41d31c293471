"""The supervisor's figures for their municipalities: the last months and today's backlog. Counts
only, no resident: the read is audited as a report."""

from __future__ import annotations

from datetime import date

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.figures import FigureReads
from ..adapters.todays_work import TodaysWorkReads
from ..domain.figures import AGE_BANDS, Figures, fold_months, months_up_to, ordered_partner_types
from ..domain.todays_work import BUCKETS, WorkFilter


async def figures(uow: UnitOfWork, today: date, *, reader: audit.Reader, municipalities: tuple[str, ...]) -> Figures:
    months = months_up_to(today)
    reads = FigureReads(uow.conn)
    folded = fold_months(months, await reads.signals_per_month(municipalities, months[0]),
                         await reads.cases_per_month(municipalities, months[0]))
    backlog = await TodaysWorkReads(uow.conn).counts(today, municipalities, WorkFilter(), reader.staff_id)
    ages = await reads.open_case_ages(municipalities, today, AGE_BANDS)
    await audit.record(uow.conn, reader, "read:figures", detail=f"{months[0].isoformat()}..{today.isoformat()}")
    return Figures(folded, ordered_partner_types(folded), {b: backlog.get(b, 0) for b in BUCKETS}, ages)
