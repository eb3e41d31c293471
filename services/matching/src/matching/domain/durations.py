"""ISO-8601 durations with calendar months: `P90D`, `P6M`, `PT1H`, as the policy and settings write them.

`datetime.timedelta` has no months, and pydantic reads `P6M` as 180 days; the design's "closed less
than 6 months ago" is a calendar rule (closed 31 August, suppressed until 28 February), so months
are kept apart from days here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import PlainSerializer, PlainValidator

_ISO_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)

Moment = TypeVar("Moment", bound=date)  # a date or a datetime (datetime subclasses date)


@dataclass(frozen=True)
class Period:
    """A duration of calendar months, days and (for settings, not policies) seconds."""

    months: int = 0
    days: int = 0
    seconds: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _ISO_DURATION.match(text.strip().upper())
        if match is None:
            raise ValueError(f"{text!r} is not an ISO-8601 duration (such as P90D, P6M or PT1H)")
        part = {name: float(value) if name == "seconds" else int(value)
                for name, value in match.groupdict(default="0").items()}
        return cls(months=part["years"] * 12 + part["months"], days=part["weeks"] * 7 + part["days"],
                   seconds=part["hours"] * 3600 + part["minutes"] * 60 + part["seconds"])

    @property
    def whole_days(self) -> bool:
        """True when the period has no time part, so it can move a date."""
        return self.seconds == 0

    def after(self, start: Moment) -> Moment:
        """`start` plus this period; months first, clamped to the month's last day (31 Aug + 6M = 28 Feb)."""
        return _add_months(start, self.months) + timedelta(days=self.days, seconds=self._date_safe_seconds(start))

    def before(self, end: Moment) -> Moment:
        """`end` minus this period (the inverse of `after`, months first)."""
        return _add_months(end, -self.months) - timedelta(days=self.days, seconds=self._date_safe_seconds(end))

    def _date_safe_seconds(self, moment: date) -> float:
        if self.seconds and type(moment) is date:
            raise ValueError(f"{self} has a time part and cannot move a date")
        return self.seconds

    def describe(self) -> str:
        """Plain words for rules and logs: `90 days`, `6 months`, `1 month and 2 days`."""
        parts = [f"{n:g} {unit}{'s' if n != 1 else ''}" for n, unit in
                 ((self.months, "month"), (self.days, "day"), (self.seconds, "second")) if n]
        return " and ".join(parts) or "no time"

    def __str__(self) -> str:
        time = f"T{self.seconds:g}S" if self.seconds else ""
        date_part = (f"{self.months}M" if self.months else "") + (f"{self.days}D" if self.days else "")
        return f"P{date_part}{time}" if date_part or time else "P0D"


def _add_months(moment: Moment, months: int) -> Moment:
    if not months:
        return moment
    year, month_index = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


def _coerce(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, timedelta):
        return Period(days=value.days, seconds=value.seconds + value.microseconds / 1e6)
    if isinstance(value, str):
        return Period.parse(value)
    raise ValueError("must be an ISO-8601 duration string (such as P90D, P6M or PT1H)")


# A pydantic field type: accepts "P6M" (and a Period or timedelta), writes the ISO form back.
IsoPeriod = Annotated[Period, PlainValidator(_coerce), PlainSerializer(str, return_type=str)]
