"""Working days and day parts in Europe/Amsterdam."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from outreach.domain.calendar import (
    AMSTERDAM,
    day_part,
    due_after,
    is_working_day,
    next_day_part,
    next_working_day,
    next_working_day_start,
)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 1, 6), True),     # Monday
    (date(2025, 1, 4), False),    # Saturday
    (date(2025, 1, 5), False),    # Sunday
    (date(2023, 4, 27), False),   # Koningsdag, a Thursday
    (date(2025, 5, 29), False),   # Ascension Day
    (date(2025, 12, 25), False),  # Christmas
    (date(2025, 12, 26), False),  # Boxing Day
    (date(2025, 1, 1), False),    # New Year
])
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_the_next_working_day_skips_weekends_and_holidays():
    assert next_working_day(date(2025, 1, 3)) == date(2025, 1, 6)    # Friday -> Monday
    assert next_working_day(date(2025, 12, 24)) == date(2025, 12, 29)  # past Christmas and the weekend


def test_a_week_that_ends_on_a_holiday_moves_to_the_next_working_day_at_opening_time():
    sent = local(date(2025, 12, 18), 15, 30)  # Thursday; a week later is Christmas
    assert due_after(sent, timedelta(days=7)) == local(date(2025, 12, 29), 9)


def test_short_delays_are_taken_literally():
    sent = datetime(2025, 1, 4, 12, 0, tzinfo=UTC)  # a Saturday: tests run in seconds, any day
    assert due_after(sent, timedelta(seconds=3)) == sent + timedelta(seconds=3)


def test_crisis_contact_is_on_the_next_working_day_at_opening_time():
    assert next_working_day_start(local(date(2025, 1, 3), 16)) == local(date(2025, 1, 6), 9)


@pytest.mark.parametrize(("hour", "minute", "part"), [
    (0, 0, "Ochtend"), (9, 0, "Ochtend"), (11, 59, "Ochtend"), (12, 0, "Middag"), (16, 59, "Middag"),
    (17, 0, "Avond"), (23, 59, "Avond"),
])
def test_day_parts_follow_the_clock_in_amsterdam(hour, minute, part):
    assert day_part(local(date(2025, 7, 1), hour, minute)) == part


def test_day_parts_are_local_time_not_utc():
    # 10:30 UTC is 12:30 in Amsterdam in summer (CEST) but 11:30 in winter (CET).
    assert day_part(datetime(2025, 7, 1, 10, 30, tzinfo=UTC)) == "Middag"
    assert day_part(datetime(2025, 1, 6, 10, 30, tzinfo=UTC)) == "Ochtend"


def test_the_next_day_part_goes_round_the_clock():
    assert [next_day_part(p) for p in (None, "Ochtend", "Middag", "Avond")] == ["Ochtend", "Middag", "Avond", "Ochtend"]
