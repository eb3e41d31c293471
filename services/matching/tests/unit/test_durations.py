"""ISO-8601 periods: parsing, calendar months, and the settings that use them."""

from datetime import UTC, date, datetime

import pytest

from matching.config import MatchingSettings
from matching.domain.durations import Period


@pytest.mark.parametrize(("text", "period"), [
    ("P90D", Period(days=90)), ("P6M", Period(months=6)), ("P1Y", Period(months=12)), ("P2W", Period(days=14)),
    ("PT5S", Period(seconds=5)), ("PT1H30M", Period(seconds=5400)), ("P1M2DT3S", Period(months=1, days=2, seconds=3)),
])
def test_parses_iso_durations(text, period):
    assert Period.parse(text) == period


@pytest.mark.parametrize("text", ["", "P", "PT", "90D", "P1.5D", "P-1D", "soon", "P1DT"])
def test_refuses_what_is_not_an_iso_duration(text):
    with pytest.raises(ValueError, match="not an ISO-8601 duration"):
        Period.parse(text)


def test_months_are_calendar_months_clamped_to_the_month_end():
    assert Period.parse("P6M").after(date(2026, 8, 31)) == date(2027, 2, 28)
    assert Period.parse("P6M").after(date(2027, 8, 31)) == date(2028, 2, 29)
    assert Period.parse("P6M").before(date(2026, 3, 31)) == date(2025, 9, 30)
    assert Period.parse("P90D").after(date(2026, 1, 1)) == date(2026, 4, 1)


def test_a_time_part_moves_a_datetime_but_not_a_date():
    assert Period.parse("PT5S").after(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="time part"):
        Period.parse("PT5S").after(date(2026, 1, 1))


def test_writes_back_and_describes():
    assert [str(Period.parse(t)) for t in ("P90D", "P6M", "PT5S", "P1M2D")] == ["P90D", "P6M", "PT5S", "P1M2D"]
    assert Period.parse("P1M2D").describe() == "1 month and 2 days"


def test_retention_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MATCHING_RETENTION", "PT5S")
    monkeypatch.setenv("MATCHING_RETENTION_SWEEP_INTERVAL", "PT1S")
    settings = MatchingSettings()
    assert settings.retention == Period(seconds=5) and settings.retention_sweep_interval.total_seconds() == 1
    monkeypatch.setenv("MATCHING_RETENTION", "half a year")
    with pytest.raises(ValueError, match="retention"):
        MatchingSettings()
