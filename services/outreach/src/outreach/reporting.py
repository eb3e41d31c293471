"""Reporting: the monthly DDAS delivery for CBS (validated against the official schema) and the KPI
summary beside it, both over the same records of a period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from .adapters.letters import LetterWriter
from .adapters.reads import Reads
from .ddas.schema import validate
from .domain import ddas, kpi
from .errors import InvalidInput

LONGEST_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Report:
    content: dict[str, Any]
    case_ids: list[uuid.UUID]  # the cases it read, for the audit log


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("to", "lies before from")
    if (end - start).days >= LONGEST_PERIOD_DAYS:
        raise InvalidInput("to", f"a period spans at most {LONGEST_PERIOD_DAYS} days")


def organisations(writers: dict[str, LetterWriter]) -> dict[str, ddas.Organisation]:
    """Who delivers for each municipality, from the `[ddas]` part of its municipality.toml."""
    found = {}
    for code, writer in writers.items():
        profile = writer.municipality.get("ddas", {})
        found[code] = ddas.Organisation(name=profile.get("organisation", writer.municipality.get("name", code)),
                                        kvk_number=profile.get("kvk_number") or None,
                                        contacts=tuple(profile.get("contacts", ())))
    return found


async def delivery(conn: asyncpg.Connection | asyncpg.Pool, start: date, end: date, *, supplier_code: str,
                   writers: dict[str, LetterWriter], now: datetime | None = None) -> Report:
    """The DDAS delivery of [start, end]; raises DeliveryInvalid rather than hand CBS a bad file."""
    check_period(start, end)
    records = await Reads(conn).period(start, end)
    document = ddas.delivery(records, start=start, end=end, delivered_at=now or datetime.now(UTC),
                             supplier_code=supplier_code, organisations=organisations(writers))
    validate(document)
    return Report(document, [c.case_id for c in records.cases])


async def kpi_summary(conn: asyncpg.Connection | asyncpg.Pool, start: date, end: date) -> Report:
    check_period(start, end)
    records = await Reads(conn).period(start, end)
    return Report({"from": start.isoformat(), "to": end.isoformat(), **kpi.summary(records)},
                  [c.case_id for c in records.cases])
