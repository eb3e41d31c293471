"""Working days in Europe/Amsterdam: weekends and Dutch public holidays are not working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_HOLIDAYS = holidays.country_holidays("NL")
OFFICE_OPENS = time(9, 0)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _HOLIDAYS


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def on_or_after_working_day(day: date) -> date:
    return day if is_working_day(day) else next_working_day(day)


def due_after(moment: datetime, delay: timedelta) -> datetime:
    """When something `delay` after `moment` is due.

    Delays of a day or more are office work: they land on a working day at opening time, moved
    forward past weekends and holidays. Shorter delays (tests, demos) are taken literally.
    """
    if delay < timedelta(days=1):
        return moment + delay
    local_day = (moment + delay).astimezone(AMSTERDAM).date()
    return datetime.combine(on_or_after_working_day(local_day), OFFICE_OPENS, tzinfo=AMSTERDAM)


def next_working_day_start(moment: datetime) -> datetime:
    """Opening time on the working day after `moment` (crisis contact)."""
    return datetime.combine(next_working_day(moment.astimezone(AMSTERDAM).date()), OFFICE_OPENS, tzinfo=AMSTERDAM)
