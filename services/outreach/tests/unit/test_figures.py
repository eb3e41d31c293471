"""The supervisor's figures: the months shown, folding the database's rows into them, the bars'
lengths, and how long finished months are kept before they are counted again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from outreach.adapters.figures import PastMonths
from outreach.domain.figures import fold_months, month_label, months_up_to, ordered_partner_types, partner_type, scale


def test_six_months_up_to_today_across_a_new_year():
    assert months_up_to(date(2027, 2, 14)) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1),
                                                date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert month_label(date(2027, 2, 1)) == "feb 2027"


def test_rows_fold_into_months_by_partner_type():
    months = months_up_to(date(2026, 12, 7), count=2)
    folded = fold_months(months, [(date(2026, 11, 1), "rent", 3), (date(2026, 11, 1), "cak", 1),
                                  (date(2026, 12, 1), "health_insurance", 2), (date(2026, 12, 1), "unknown", 1),
                                  (date(2025, 1, 1), "rent", 99)],
                         [{"month": date(2026, 12, 1), "opened": 4, "reached": 3, "closed": 2, "helped": 1,
                           "days_to_letter": 1.0, "days_to_contact": 7.5}])
    november, december = folded
    assert november.signals == {"Huur": 3, "CAK Zorgverzekeringen": 1} and november.reach_rate is None
    assert december.signals == {"Zorg": 2, "Overige": 1} and december.signal_total == 3
    assert december.reach_rate == 0.75 and december.help_rate == 0.5 and december.days_to_contact == 7.5
    assert ordered_partner_types(folded) == ["Huur", "Zorg", "CAK Zorgverzekeringen", "Overige"]
    assert partner_type("rent") == "Huur"


def test_bars_scale_to_the_largest_value():
    assert scale(50, 200, 160) == 40.0 and scale(200, 200, 160) == 160.0
    assert scale(None, 200, 160) == 0.0 and scale(3, 0, 160) == 0.0


def test_finished_months_are_kept_for_a_while_then_counted_again():
    past, now = PastMonths(keep=timedelta(minutes=10)), datetime(2026, 12, 7, 9, tzinfo=UTC)
    key = (("0437",), date(2026, 7, 1), date(2026, 12, 1))
    assert past.get(key, now) is None
    past.put(key, "figures", now)
    assert past.get(key, now + timedelta(minutes=9)) == "figures"
    assert past.get((("0363",), *key[1:]), now) is None  # another municipality's are its own
    assert past.get(key, now + timedelta(minutes=10)) is None
