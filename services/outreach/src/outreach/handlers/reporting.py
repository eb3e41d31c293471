"""Reporting: the monthly DDAS v1.2 delivery for CBS (validated against the official schema before it
is returned) and the KPI summary beside it, both over the same records of a period. Every read is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.ddas_schema import DeliveryInvalid, validate
from ..adapters.letters import LetterWriter
from ..adapters.reads import Reads
from ..domain import ddas, kpi
from ..domain.ddas import PeriodRecords
from ..domain.period import check_period
from ..domain.scope import narrowed

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Report:
    content: dict[str, Any]
    case_ids: list[uuid.UUID]  # the cases it read, for the audit log
    withheld_signals: int = 0  # DDAS: signals left out for want of a BSN or an address (see domain.ddas)


def organisations(writers: dict[str, LetterWriter]) -> dict[str, ddas.Organisation]:
    """Who delivers for each municipality, from the `[ddas]` part of its municipality.toml."""
    found = {}
    for code, writer in writers.items():
        profile = writer.municipality.get("ddas", {})
        found[code] = ddas.Organisation(name=profile.get("organisation", writer.municipality.get("name", code)),
                                        kvk_number=profile.get("kvk_number") or None,
                                        contacts=tuple(profile.get("contacts", ())))
    return found


async def _records(uow: UnitOfWork, start: date, end: date, reader: audit.Reader,
                   municipality: str | None) -> tuple[PeriodRecords, tuple[str, ...] | None]:
    """The period's records of the reader's municipalities, or of the one asked for (which must be
    theirs: MunicipalityOutOfScope otherwise), and those municipalities (None: the whole installation)."""
    check_period(start, end)
    scope = narrowed(reader.municipalities, municipality)
    records = await Reads(uow.conn).period(start, end)
    return (records, None) if scope is None else (records.within(scope), scope)


async def ddas_delivery(uow: UnitOfWork, start: date, end: date, *, reader: audit.Reader, supplier_code: str,
                        writers: dict[str, LetterWriter], now: datetime | None = None,
                        municipality: str | None = None) -> Report:
    """The DDAS v1.2 delivery of [start, end], one `levering` for each of the reader's municipalities
    or for the one asked for; raises InvalidInput for a bad period, and DeliveryInvalid (logged with
    the places and rules only, no values) rather than hand CBS a document the schema refuses."""
    records, scope = await _records(uow, start, end, reader, municipality)
    delivering = {code: o for code, o in organisations(writers).items() if scope is None or code in scope}
    document = ddas.delivery(records, start=start, end=end, delivered_at=now or datetime.now(UTC),
                             supplier_code=supplier_code, organisations=delivering)
    try:
        validate(document)
    except DeliveryInvalid as error:
        log.error("ddas_delivery_invalid", start=start.isoformat(), end=end.isoformat(), problems=error.problems[:50],
                  problem_count=len(error.problems))
        raise
    withheld = ddas.withheld(records)
    if withheld:
        log.warning("ddas_signals_withheld", start=start.isoformat(), end=end.isoformat(), signals=withheld,
                    reason="neither a BSN nor a postcode and house number is known")
    report = Report(document, [c.case_id for c in records.cases], withheld_signals=withheld)
    return await _audited(uow, reader, "read:ddas", report, start, end)


async def kpi_summary(uow: UnitOfWork, start: date, end: date, *, reader: audit.Reader,
                      municipality: str | None = None) -> Report:
    records, _ = await _records(uow, start, end, reader, municipality)
    report = Report({"from": start.isoformat(), "to": end.isoformat(), **kpi.summary(records)},
                    [c.case_id for c in records.cases])
    return await _audited(uow, reader, "read:kpi", report, start, end)


async def _audited(uow: UnitOfWork, reader: audit.Reader, action: str, report: Report, start: date, end: date) -> Report:
    await audit.record(uow.conn, reader, action, report.case_ids, f"{start.isoformat()}..{end.isoformat()}")
    return report
