"""A reporting period (the DDAS delivery and the KPIs): from one day to another, at most a year."""

from __future__ import annotations

from datetime import date

from .errors import InvalidInput

LONGEST_PERIOD_DAYS = 366


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("to", "lies before from")
    if (end - start).days >= LONGEST_PERIOD_DAYS:
        raise InvalidInput("to", f"a period spans at most {LONGEST_PERIOD_DAYS} days")
