"""Working days and day parts in Europe/Amsterdam: weekends, Dutch public holidays and the days a
municipality's team closes (its own calendar, `closed`) are not working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from .ddas_lists import DAY_PARTS, DayPart

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_HOLIDAYS = holidays.country_holidays("NL")
OFFICE_OPENS = time(9, 0)
# When each DDAS day part begins: the morning ends at noon, the afternoon at five.
DAY_PART_STARTS: dict[DayPart, time] = {"Ochtend": time(0, 0), "Middag": time(12, 0), "Avond": time(17, 0)}
# When the team starts work in each day part (an evening call is made after people come home).
WORK_STARTS: dict[DayPart, time] = {"Ochtend": OFFICE_OPENS, "Middag": time(13, 0), "Avond": time(18, 0)}


NOTHING_CLOSED: frozenset[date] = frozenset()


def is_working_day(day: date, closed: frozenset[date] = NOTHING_CLOSED) -> bool:
    return day.weekday() < 5 and day not in _HOLIDAYS and day not in closed


def next_working_day(day: date, closed: frozenset[date] = NOTHING_CLOSED) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def on_or_after_working_day(day: date, closed: frozenset[date] = NOTHING_CLOSED) -> date:
    return day if is_working_day(day, closed) else next_working_day(day, closed)


def due_after(moment: datetime, delay: timedelta, closed: frozenset[date] = NOTHING_CLOSED) -> datetime:
    """When something `delay` after `moment` is due.

    Delays of a day or more are office work: they land on a working day at opening time, moved
    forward past weekends, holidays and the team's closed days. Shorter delays (tests, demos) are
    taken literally.
    """
    if delay < timedelta(days=1):
        return moment + delay
    local_day = (moment + delay).astimezone(AMSTERDAM).date()
    return datetime.combine(on_or_after_working_day(local_day, closed), OFFICE_OPENS, tzinfo=AMSTERDAM)


def next_working_day_start(moment: datetime, closed: frozenset[date] = NOTHING_CLOSED) -> datetime:
    """Opening time on the working day after `moment` (crisis contact)."""
    return datetime.combine(next_working_day(moment.astimezone(AMSTERDAM).date(), closed), OFFICE_OPENS,
                            tzinfo=AMSTERDAM)


def day_part(moment: datetime) -> DayPart:
    """The DDAS day part (Ochtend, Middag, Avond) a moment falls in, in Amsterdam."""
    local = moment.astimezone(AMSTERDAM).time()
    if local >= DAY_PART_STARTS["Avond"]:
        return "Avond"
    return "Middag" if local >= DAY_PART_STARTS["Middag"] else "Ochtend"


def next_day_part(part: DayPart | None) -> DayPart:
    """The day part after `part`, round the clock: a retry comes at another time of day."""
    if part is None:
        return "Ochtend"
    return DAY_PARTS[(DAY_PARTS.index(part) + 1) % len(DAY_PARTS)]  # type: ignore[return-value]
