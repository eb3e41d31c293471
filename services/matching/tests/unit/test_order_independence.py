"""Property: the final assessment of a household does not depend on the order its reports arrive in."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.domain.model import Signal, assess
from matching.domain.policy import Policy
from vroeg_contracts.partner_report import Category, ReportStatus

POLICY = Policy(municipality_code="0437", name="test")
DAY0 = date(2026, 1, 1)
PARTNERS = {"eigen-haard": Category.RENT, "vgz": Category.HEALTH_INSURANCE, "waternet": Category.WATER,
            "gemeentebelastingen-amstelland": Category.MUNICIPAL_TAX}

report = st.fixed_dictionaries({
    "signal": st.integers(0, 5),
    "partner": st.sampled_from(sorted(PARTNERS)),
    "day": st.integers(0, 300),
    "arrears_days": st.integers(0, 90),
    "crisis": st.booleans(),
    "status": st.sampled_from([ReportStatus.OPEN, ReportStatus.OPEN, ReportStatus.RESOLVED, ReportStatus.WITHDRAWN]),
})


def fold(reports):
    signals: dict[uuid.UUID, Signal] = {}
    # A signal's identity fixes its partner and arrears start (intake refuses changes to them), so
    # those come from one canonical report per signal, whatever the arrival order.
    origins: dict[int, dict] = {}
    for r in sorted(reports, key=lambda r: (r["signal"], r["partner"], r["day"], r["arrears_days"])):
        origins.setdefault(r["signal"], r)
    for r in reports:
        origin = origins[r["signal"]]
        signal_id = uuid.UUID(int=r["signal"] + 1)
        signal_date = DAY0 + timedelta(days=r["day"])
        current = signals.get(signal_id) or Signal(
            signal_id=signal_id, partner_id=origin["partner"], report_id=f"r{r['signal']}",
            category=PARTNERS[origin["partner"]], amount=Decimal("50"),
            arrears_since=DAY0 - timedelta(days=origin["arrears_days"]), signal_date=signal_date, crisis=r["crisis"])
        signals[signal_id] = current.merge(r["status"], signal_date, amount=Decimal("50"), crisis=r["crisis"])
    return signals


def summary(signals):
    assessment = assess(signals, POLICY)
    return ([(e.opened_on, sorted(map(str, e.signal_ids)), e.intensity, e.action) for e in assessment.episodes],
            assessment.statuses)


@settings(max_examples=300, deadline=None)
@given(st.lists(report, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_permuting_arrival_order_gives_the_same_decisions(reports, rng):
    shuffled = list(reports)
    rng.shuffle(shuffled)
    assert summary(fold(reports)) == summary(fold(shuffled))
