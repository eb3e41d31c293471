"""The supervisor's figures for their municipalities: the last months and today's backlog. Counts
only, no resident: the read is audited as a report. Finished months are recounted every few minutes
(`PastMonths`), the current month and the backlog on every view."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.figures import FigureReads, PastMonths
from ..adapters.todays_work import TodaysWorkReads
from ..domain.errors import MunicipalityOutOfScope
from ..domain.figures import AGE_BANDS, Figures, fold_months, months_up_to, ordered_partner_types
from ..domain.scope import in_scope
from ..domain.todays_work import BUCKETS, WorkFilter


async def figures(uow: UnitOfWork, today: date, *, reader: audit.Reader, municipalities: tuple[str, ...],
                  past: PastMonths, inhabitants: int | None = None) -> Figures:
    """The months shown (the finished ones from `past` while it keeps them) and today's backlog, of
    `municipalities` (the caller narrows the reader's scope to them); `inhabitants` is theirs together."""
    if not all(in_scope(code, reader.municipalities) for code in municipalities):
        raise MunicipalityOutOfScope(",".join(municipalities))
    months = months_up_to(today)
    current = months[-1]
    reads = FigureReads(uow.conn)
    key, now = (municipalities, months[0], current), datetime.now(UTC)
    finished = past.get(key, now)
    if finished is None:
        finished = (await reads.signals_per_month(municipalities, months[0], current),
                    await reads.cases_per_month(municipalities, months[0], current))
        past.put(key, finished, now)
    signals = [*finished[0], *await reads.signals_per_month(municipalities, current)]
    cases = [*finished[1], *await reads.cases_per_month(municipalities, current)]
    folded = fold_months(months, signals, cases)
    backlog = await TodaysWorkReads(uow.conn).counts(today, municipalities, WorkFilter(), reader.staff_id)
    ages = await reads.open_case_ages(municipalities, today, AGE_BANDS)
    await audit.record(uow.conn, reader, "read:figures",
                       detail=f"{','.join(municipalities)} {months[0].isoformat()}..{today.isoformat()}")
    return Figures(folded, ordered_partner_types(folded), {b: backlog.get(b, 0) for b in BUCKETS}, ages, inhabitants)
