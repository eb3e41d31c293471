"""Import a stream of one partner's file rows (CSV, or an Excel workbook's rows): one unit of work per
batch, one batch in memory at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from itertools import islice
from typing import Literal

import asyncpg

from vroeg_runtime.unit_of_work import UnitOfWork, unit_of_work

from ..adapters.batch_repository import NotLoaded
from ..adapters.incoming import IncomingReport
from ..domain.outcome import ImportCounts, ReportOutcome
from .dependencies import IntakeDependencies
from .take_report import Sent, take_report, take_reports

Take = Callable[[UnitOfWork, IncomingReport], Awaitable[ReportOutcome]]
TakeBatch = Callable[[UnitOfWork, list[IncomingReport]], Awaitable[list[ReportOutcome]]]


async def import_csv(conn: asyncpg.Connection, deps: IntakeDependencies, rows: Iterable[IncomingReport], *,
                     partner: str, file_name: str, batch_size: int = 500, file_format: Literal["csv", "xlsx"] = "csv",
                     after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Take the rows of a file from `partner`, in batches on `conn` (channel `csv`, the contract's
    channel for files of either format; each row's source is `<format>:<file name>:<line or row>`).
    Importing the same file again changes nothing."""

    def sent(report: IncomingReport) -> Sent:
        return Sent(report, partner, f"{file_format}:{file_name}:{report.position}")

    async def take(uow: UnitOfWork, report: IncomingReport) -> ReportOutcome:
        return await take_report(uow, deps, sent(report), channel="csv")

    async def take_batch(uow: UnitOfWork, batch: list[IncomingReport]) -> list[ReportOutcome]:
        return await take_reports(uow, deps, [sent(report) for report in batch], channel="csv")

    return await take_in_batches(conn, rows, take, take_batch=take_batch, batch_size=batch_size,
                                 after_batch=after_batch)


async def take_in_batches(conn: asyncpg.Connection, reports: Iterable[IncomingReport], take: Take, *,
                          take_batch: TakeBatch | None = None, batch_size: int = 500,
                          after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Take a stream of reports, one unit of work per batch, holding one batch in memory at a time:
    with `take_batch` (a few statements per batch) when given, else, or when the batch needs what
    it did not load (`NotLoaded`), with `take`, report by report.

    A crash loses at most the batch in flight, and running the same stream again changes nothing:
    what was taken is recognised (the same report, or the same bytes refused).
    """
    counts = ImportCounts()
    stream = iter(reports)
    while batch := list(islice(stream, batch_size)):
        try:
            if take_batch is None:
                raise NotLoaded("no batch taker")
            async with unit_of_work(conn) as uow:
                outcomes = await take_batch(uow, batch)
        except NotLoaded:
            async with unit_of_work(conn) as uow:
                outcomes = [await take(uow, report) for report in batch]
        for report, outcome in zip(batch, outcomes, strict=True):
            counts.add(report.position, outcome)
        if after_batch is not None:
            after_batch(counts)
    return counts
