"""The contact plan after the first letter, and the next try after an unreached call or visit."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from outreach.domain.calendar import AMSTERDAM
from outreach.domain.plan import ContactRules, Step, after_first_letter, contact_step, retry_after_unreached
from vroeg_contracts.events import OutreachAction

WEEK = ContactRules(call_delay=timedelta(days=7), crisis_delay=None, visits_enabled=True)


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


@pytest.mark.parametrize(("has_phone", "visits", "step"), [
    (True, True, Step.CALL), (True, False, Step.CALL), (False, True, Step.VISIT), (False, False, Step.FOLLOW_UP_LETTER),
])
def test_a_letter_is_followed_by_a_call_a_visit_or_a_second_letter(has_phone, visits, step):
    assert contact_step(has_phone, visits) is step


def test_a_letter_only_case_plans_nothing_after_its_letter():
    assert after_first_letter(OutreachAction.LETTER_ONLY, local(date(2025, 1, 6), 10), True, WEEK) is None


def test_the_call_comes_a_week_after_the_letter_on_a_working_day():
    planned = after_first_letter(OutreachAction.LETTER_AND_CALL, local(date(2025, 1, 6), 10), True, WEEK)
    assert planned is not None
    assert (planned.step, planned.due_at) == (Step.CALL, local(date(2025, 1, 13), 9))


def test_a_crisis_is_contacted_on_the_next_working_day():
    friday = local(date(2025, 1, 10), 15)
    planned = after_first_letter(OutreachAction.URGENT, friday, True, WEEK)
    assert planned is not None
    assert (planned.step, planned.due_at) == (Step.CALL, local(date(2025, 1, 13), 9))


def test_a_crisis_without_phone_gets_a_visit_and_without_visits_a_second_letter():
    sent = local(date(2025, 1, 6), 10)
    assert after_first_letter(OutreachAction.URGENT, sent, False, WEEK).step is Step.VISIT
    no_visits = ContactRules(timedelta(days=7), None, visits_enabled=False)
    assert after_first_letter(OutreachAction.URGENT, sent, False, no_visits).step is Step.FOLLOW_UP_LETTER


def test_configured_crisis_delays_in_seconds_are_literal():
    rules = ContactRules(timedelta(seconds=3), timedelta(seconds=2), True)
    sent = datetime(2025, 1, 4, 12, tzinfo=UTC)
    assert after_first_letter(OutreachAction.URGENT, sent, True, rules).due_at == sent + timedelta(seconds=2)
    assert after_first_letter(OutreachAction.LETTER_AND_CALL, sent, True, rules).due_at == sent + timedelta(seconds=3)


def test_an_unreached_morning_call_is_tried_again_next_working_day_in_the_afternoon():
    friday = date(2025, 1, 10)
    planned = retry_after_unreached("Telefoon", friday, "Ochtend", local(friday, 11), WEEK)
    assert planned is not None
    assert (planned.step, planned.due_at) == (Step.CALL, local(date(2025, 1, 13), 13))


def test_an_unreached_evening_visit_is_tried_again_in_the_morning():
    monday = date(2025, 1, 6)
    planned = retry_after_unreached("Huisbezoek", monday, "Avond", local(monday, 19), WEEK)
    assert (planned.step, planned.due_at) == (Step.VISIT, local(date(2025, 1, 7), 9))


def test_a_retry_is_never_planned_in_the_past_for_an_attempt_registered_late():
    planned = retry_after_unreached("Telefoon", date(2025, 1, 6), "Middag", local(date(2025, 1, 9), 10), WEEK)
    assert planned.due_at == local(date(2025, 1, 10), 18)


def test_an_unreached_visit_becomes_a_letter_when_visits_are_off():
    rules = ContactRules(timedelta(days=7), None, visits_enabled=False)
    monday = date(2025, 1, 6)
    assert retry_after_unreached("Huisbezoek", monday, "Ochtend", local(monday, 10), rules).step is Step.FOLLOW_UP_LETTER


@pytest.mark.parametrize("kind", ["Mail", "SMS/Whatsapp", "Brief", "Kaartje", "Overige", "Administratief"])
def test_other_kinds_of_attempt_plan_no_retry(kind):
    monday = date(2025, 1, 6)
    assert retry_after_unreached(kind, monday, "Ochtend", local(monday, 10), WEEK) is None


def test_a_day_the_municipalitys_team_is_closed_moves_the_call_to_its_next_working_day():
    # Thursday 17 December 2026 + 7 days is Thursday 24 December, Christmas Eve: Amstelveen's team is
    # closed, 25 and 26 December are holidays and then comes a weekend, so the call is on Monday 28.
    sent = local(date(2026, 12, 17), 10)
    closed = replace(WEEK, closed_days=frozenset({date(2026, 12, 24), date(2026, 12, 31)}))
    assert after_first_letter(OutreachAction.LETTER_AND_CALL, sent, True, closed).due_at == local(date(2026, 12, 28), 9)
    assert after_first_letter(OutreachAction.LETTER_AND_CALL, sent, True, WEEK).due_at == local(date(2026, 12, 24), 9)
    # A crisis on the day before a closed day is contacted after it.
    assert after_first_letter(OutreachAction.URGENT, local(date(2026, 12, 30), 15), True, closed).due_at \
        == local(date(2027, 1, 4), 9)
