"""The retention rule: no open signal, and the last event older than the retention period."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from matching.domain.durations import Period
from matching.domain.model import Signal
from matching.domain.policy import Policy
from vroeg_contracts.partner_report import Category

POLICY = Policy(municipality_code="0437", name="test")
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SIX_MONTHS = Period(months=6)


def signal(days_ago: int, **changes) -> Signal:
    on = NOW.date() - timedelta(days=days_ago)
    return Signal(signal_id=uuid.uuid4(), partner_id="eigen-haard", report_id="r", category=Category.RENT,
                  amount=Decimal(100), arrears_since=on - timedelta(days=40), signal_date=on, crisis=False, **changes)


def test_an_idle_household_without_open_signals_is_forgotten_after_six_months():
    last_event = NOW - timedelta(days=200)
    assert Period(months=6).after(last_event) <= NOW
    assert may_forget([signal(200)], last_event)


def test_a_household_with_a_recent_event_is_kept():
    assert not may_forget([signal(200)], NOW - timedelta(days=150))
    # 1 June + 6 months is 1 December: at noon on 1 December the household is forgotten.
    assert may_forget([signal(200)], datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert not may_forget([signal(200)], datetime(2026, 6, 1, 12, 1, tzinfo=UTC))


def test_an_open_signal_keeps_the_household():
    long_window = POLICY.model_copy(update={"window": Period(months=12)})
    assert not may_forget([signal(200)], NOW - timedelta(days=190), policy=long_window)
    assert may_forget([signal(200, closed_on=NOW.date() - timedelta(days=195))], NOW - timedelta(days=190),
                      policy=long_window)
    assert may_forget([signal(200, withdrawn=True)], NOW - timedelta(days=190), policy=long_window)


def test_a_household_without_signals_is_forgotten_when_idle():
    assert may_forget([], NOW - timedelta(days=365))


def may_forget(signals, last_event_at, policy=POLICY):
    from matching.domain.retention import may_forget as rule

    return rule(signals, policy, last_event_at=last_event_at, now=NOW, retention=SIX_MONTHS)


def test_the_rule_uses_amsterdam_days():
    # 23:30 UTC on 30 November is already 1 December in Amsterdam.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    last = signal(0)
    assert last.signal_date == date(2026, 12, 1)
    from matching.domain.retention import may_forget as rule

    assert not rule([last], POLICY, last_event_at=late - timedelta(days=400), now=late, retention=SIX_MONTHS)
