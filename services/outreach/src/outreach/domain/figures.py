"""The supervisor's figures: per month, the signals per partner type, the reach rate, the help
accepted and the time from signal to letter and from letter to first contact; and the backlog.
Also the geometry of the charts that show them (bars scaled to the largest value)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from vroeg_contracts.partner_report import DDAS_PARTNER_TYPE, Category

MONTHS_SHOWN = 6
SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("korter dan een week", 0, 7), ("1 tot 4 weken", 7, 28), ("4 tot 13 weken", 28, 91), ("13 weken of langer", 91, None))


def partner_type(category: str) -> str:
    try:
        return DDAS_PARTNER_TYPE[Category(category)]
    except ValueError:
        return "Overige"


def months_up_to(day: date, count: int = MONTHS_SHOWN) -> list[date]:
    """The first days of the `count` months up to and including `day`'s, oldest first."""
    months, year, month = [], day.year, day.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def month_label(month: date) -> str:
    return f"{SHORT_MONTHS[month.month - 1]} {month.year}"


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Month:
    month: date
    signals: dict[str, int] = field(default_factory=dict)  # by DDAS partner type
    opened: int = 0
    reached: int = 0
    closed: int = 0
    helped: int = 0
    days_to_letter: float | None = None  # median, signal to first letter
    days_to_contact: float | None = None  # median, first letter to first real contact attempt

    @property
    def reach_rate(self) -> float | None:
        return rate(self.reached, self.opened)

    @property
    def help_rate(self) -> float | None:
        return rate(self.helped, self.closed)

    @property
    def signal_total(self) -> int:
        return sum(self.signals.values())


@dataclass(frozen=True)
class Figures:
    months: list[Month]
    partner_types: list[str]  # those with signals in the period, in a fixed order
    backlog: dict[str, int]  # open cases per bucket of today's work
    ages: list[tuple[str, int]]  # open cases per age band
    inhabitants: int | None = None  # of the municipalities counted, for the figures per 1,000

    @property
    def open_cases(self) -> int:
        return sum(n for _, n in self.ages)

    def per_thousand(self, counts: list[int]) -> list[float | None]:
        """Counts per 1,000 inhabitants, so a small municipality and a large one compare."""
        return [per_thousand(count, self.inhabitants) for count in counts]


def per_thousand(count: int, inhabitants: int | None) -> float | None:
    return round(count * 1000 / inhabitants, 2) if inhabitants else None


def fold_months(months: list[date], signal_rows: list[tuple[date, str, int]], case_rows: list[dict]) -> list[Month]:
    """The month rows from the database's signal counts (month, category, count) and case figures."""
    by_month = {m: Month(m) for m in months}
    for month, category, count in signal_rows:
        if month in by_month:
            kind = partner_type(category)
            by_month[month].signals[kind] = by_month[month].signals.get(kind, 0) + count
    for row in case_rows:
        if (m := by_month.get(row["month"])) is not None:
            m.opened, m.reached, m.closed, m.helped = row["opened"], row["reached"], row["closed"], row["helped"]
            m.days_to_letter, m.days_to_contact = row["days_to_letter"], row["days_to_contact"]
    return [by_month[m] for m in months]


def ordered_partner_types(months: list[Month]) -> list[str]:
    seen = {kind for m in months for kind in m.signals}
    order = list(dict.fromkeys(DDAS_PARTNER_TYPE.values()))
    return [kind for kind in order if kind in seen]


def scale(value: float | None, largest: float, length: float) -> float:
    """A bar's length for `value` when `largest` fills `length`."""
    if not value or largest <= 0:
        return 0.0
    return round(value / largest * length, 1)
