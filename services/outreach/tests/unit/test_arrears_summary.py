"""A new case's summary of its signals (migration 0007), written with the case (issue 23)."""

import uuid
from datetime import date
from decimal import Decimal

from outreach.domain.case import arrears_summary
from vroeg_contracts.events import SignalRef
from vroeg_contracts.partner_report import Category


def signal(category: Category, amount: str | None, since: date) -> SignalRef:
    return SignalRef(signal_id=uuid.uuid4(), partner_id="vgz", report_id=uuid.uuid4().hex, category=category,
                     signal_date=date(2026, 12, 1), arrears_since=since, amount=Decimal(amount) if amount else None,
                     crisis=False)


def test_the_summary_has_each_kind_once_the_total_and_the_earliest_arrears():
    summary = arrears_summary([signal(Category.WATER, "10.50", date(2026, 9, 1)),
                               signal(Category.RENT, "700.00", date(2026, 8, 1)),
                               signal(Category.WATER, None, date(2026, 10, 1))])
    assert summary.categories == ["rent", "water"]
    assert summary.amount == Decimal("710.50")
    assert summary.since == date(2026, 8, 1)


def test_signals_without_an_amount_have_no_total():
    summary = arrears_summary([signal(Category.ENERGY, None, date(2026, 9, 1))])
    assert (summary.categories, summary.amount) == (["energy"], None)
