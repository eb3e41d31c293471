"""Retention: how long consent keeps each class of its data, as ISO-8601 periods (P6M, P30D, PT1H)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

# The design's rule: data that led to no help is deleted 6 months after the last event.
DEFAULT_KEEP = "P6M"

# What consent holds, and the moment each class's period runs from.
DATA_CLASSES: dict[str, str] = {
    "share_decisions": "the household's last share decision",
    "ended_consents": "the withdrawal or expiry of the consent",
    "audit_links": "the subject's last audited event, once consent holds nothing else about it",
    "completed_erasures": "the completion of the erasure request",
    "inbox": "the receipt of the message",
}

# PnYnMnWnDTnHnMnS, every part optional but at least one present; whole numbers only.
_PERIOD = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                     r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


class RetentionError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A calendar period: months count as months (P6M from 31 August is 28 or 29 February), the rest exactly."""

    months: int
    exact: timedelta
    text: str

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if not match:
            raise RetentionError(f"{text!r} is not an ISO-8601 duration such as P6M, P30D or PT12H")
        years, months, weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return cls(years * 12 + months, timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes,
                                                  seconds=seconds), text.strip())

    def before(self, moment: datetime) -> datetime:
        """The moment this period before `moment`."""
        month_index = moment.year * 12 + moment.month - 1 - self.months
        year, month = divmod(month_index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day) - self.exact


@dataclass(frozen=True)
class RetentionPolicy:
    keep: Mapping[str, Period]

    @classmethod
    def from_config(cls, classes: Mapping[str, str]) -> RetentionPolicy:
        """Every data class gets the configured period, or the default; an unknown class name is an error."""
        unknown = sorted(set(classes) - set(DATA_CLASSES))
        if unknown:
            raise RetentionError(f"unknown data class(es) {', '.join(unknown)}; known: {', '.join(DATA_CLASSES)}")
        keep = {}
        for name in DATA_CLASSES:
            try:
                keep[name] = Period.parse(classes.get(name, DEFAULT_KEEP))
            except RetentionError as error:
                raise RetentionError(f"{name}: {error}") from None
        return cls(keep)

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        """Per class, the moment before which its data has expired."""
        return {name: period.before(now) for name, period in self.keep.items()}
