"""Table-driven tests of the default (Ouder-Amstel) policy and the letter-and-call example."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from matching.domain.decisions import CaseEscalated, CaseNeeded, NotPickedUp, announce, empty_announced
from matching.domain.model import Signal, SignalStatus, assess
from matching.domain.policy import Action, PolicyError, load_policy
from vroeg_contracts.events import Intensity
from vroeg_contracts.partner_report import Category, ReportStatus

POLICIES = Path(__file__).resolve().parents[2] / "policies"
DEFAULT = load_policy(POLICIES / "0437-ouder-amstel.toml")
SINGLE_CALLS = load_policy(POLICIES / "examples" / "single-letter-and-call.toml")
DAY0 = date(2026, 6, 1)


@dataclass
class S:
    partner: str
    category: Category
    day: int  # signal date, days after DAY0
    days_in_arrears: int = 45
    crisis: bool = False
    amount: str = "100.00"
    closed_day: int | None = None
    withdrawn: bool = False
    report: str | None = None

    def build(self, index: int) -> Signal:
        signal_date = DAY0 + timedelta(days=self.day)
        return Signal(signal_id=uuid.UUID(int=index + 1), partner_id=self.partner, report_id=self.report or f"r{index}",
                      category=self.category, amount=Decimal(self.amount),
                      arrears_since=signal_date - timedelta(days=self.days_in_arrears), signal_date=signal_date,
                      crisis=self.crisis,
                      closed_on=DAY0 + timedelta(days=self.closed_day) if self.closed_day is not None else None,
                      withdrawn=self.withdrawn)


RENT, HEALTH, WATER, TAX, ENERGY = (Category.RENT, Category.HEALTH_INSURANCE, Category.WATER, Category.MUNICIPAL_TAX,
                                    Category.ENERGY)


def run(specs, policy=DEFAULT):
    signals = {s.signal_id: s for s in (spec.build(i) for i, spec in enumerate(specs))}
    assessment = assess(signals, policy)
    decisions, _ = announce("household", assessment, empty_announced())
    return assessment, decisions


def statuses(assessment):
    return [assessment.statuses[uuid.UUID(int=i + 1)] for i in range(len(assessment.statuses))]


def test_single_category_gets_a_letter_only_by_default():
    assessment, decisions = run([S("eigen-haard", RENT, 0)])
    assert [type(d) for d in decisions] == [CaseNeeded]
    assert decisions[0].episode.intensity is Intensity.SINGLE
    assert decisions[0].episode.action is Action.LETTER_ONLY


def test_single_gets_letter_and_call_in_the_example_policy():
    _, decisions = run([S("eigen-haard", RENT, 0)], SINGLE_CALLS)
    assert decisions[0].episode.action is Action.LETTER_AND_CALL


def test_two_categories_in_the_window_are_multiple():
    assessment, decisions = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 10)])
    assert len(assessment.episodes) == 1
    episode = assessment.episodes[0]
    assert episode.intensity is Intensity.MULTIPLE and episode.action is Action.LETTER_AND_CALL
    assert episode.rule.startswith("multiple: 2 categories")


def test_same_day_signals_open_one_multiple_case():
    _, decisions = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 0)])
    assert [type(d) for d in decisions] == [CaseNeeded]
    assert decisions[0].episode.intensity is Intensity.MULTIPLE


def test_a_second_category_after_the_window_starts_a_new_case():
    assessment, _ = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 91)])
    assert len(assessment.episodes) == 2
    assert all(e.intensity is Intensity.SINGLE for e in assessment.episodes)


def test_the_window_edge_is_inclusive_at_90_days():
    assessment, _ = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 90)])
    assert len(assessment.episodes) == 1 and assessment.episodes[0].intensity is Intensity.MULTIPLE


@pytest.mark.parametrize(("days", "status"), [(29, SignalStatus.BELOW_THRESHOLD), (30, SignalStatus.PICKED_UP)])
def test_the_threshold_is_30_days_of_arrears(days, status):
    assessment, decisions = run([S("eigen-haard", RENT, 0, days_in_arrears=days)])
    assert statuses(assessment) == [status]
    if status is SignalStatus.BELOW_THRESHOLD:
        assert isinstance(decisions[0], NotPickedUp)
        assert decisions[0].status.value == "Niet opgepakt: onterecht signaal"


def test_a_crisis_is_urgent_even_below_threshold():
    assessment, decisions = run([S("waternet", ENERGY, 0, days_in_arrears=5, crisis=True)])
    assert decisions[0].episode.intensity is Intensity.CRISIS and decisions[0].episode.action is Action.URGENT


def test_a_repeat_from_the_same_partner_joins_and_sends_nothing():
    assessment, decisions = run([S("eigen-haard", RENT, 0), S("eigen-haard", RENT, 30)])
    assert statuses(assessment) == [SignalStatus.PICKED_UP, SignalStatus.REPEAT]
    assert [type(d) for d in decisions] == [CaseNeeded, NotPickedUp]
    assert decisions[1].status.value == "Niet opgepakt: herhaalde melding"


def test_a_new_category_escalates_the_open_case():
    assessment, _ = run([S("eigen-haard", RENT, 0), S("eigen-haard", RENT, 20), S("vgz", HEALTH, 30)])
    episode = assessment.episodes[0]
    assert episode.intensity is Intensity.MULTIPLE and len(episode.escalations) == 1
    announced_single = announce("household", assess(
        {s.signal_id: s for s in [S("eigen-haard", RENT, 0).build(0)]}, DEFAULT), empty_announced())[1]
    decisions, _ = announce("household", assessment, announced_single)
    assert [type(d) for d in decisions if not isinstance(d, NotPickedUp)] == [CaseEscalated]


def test_a_crisis_escalates_an_open_case():
    assessment, _ = run([S("eigen-haard", RENT, 0), S("eigen-haard", RENT, 20, crisis=True)])
    assert assessment.episodes[0].intensity is Intensity.CRISIS
    assert statuses(assessment)[1] is SignalStatus.PICKED_UP


def test_a_repeat_within_6_months_of_the_close_is_suppressed():
    assessment, _ = run([S("eigen-haard", RENT, 0, closed_day=10), S("eigen-haard", RENT, 100)])
    assert statuses(assessment) == [SignalStatus.PICKED_UP, SignalStatus.REPEAT]


def test_after_6_months_the_same_partner_opens_a_new_case():
    assessment, _ = run([S("eigen-haard", RENT, 0, closed_day=10), S("eigen-haard", RENT, 200)])
    assert len(assessment.episodes) == 2


def test_a_withdrawn_signal_counts_for_nothing():
    assessment, _ = run([S("eigen-haard", RENT, 0, withdrawn=True), S("vgz", HEALTH, 5)])
    assert assessment.episodes[0].intensity is Intensity.SINGLE
    assert statuses(assessment)[0] is SignalStatus.WITHDRAWN


def test_a_resolved_signal_no_longer_counts_toward_multiple():
    assessment, _ = run([S("eigen-haard", RENT, 0, closed_day=3), S("vgz", HEALTH, 5)], SINGLE_CALLS)
    assert [e.intensity for e in assessment.episodes] == [Intensity.SINGLE, Intensity.SINGLE]


def test_resolving_folds_in_whatever_the_order():
    base = S("eigen-haard", RENT, 0).build(0)
    resolved_first = base.merge(ReportStatus.RESOLVED, DAY0 + timedelta(days=9), amount=None, crisis=False)
    opened_after = resolved_first.merge(ReportStatus.OPEN, DAY0, amount=Decimal("100.00"), crisis=False)
    in_order = base.merge(ReportStatus.RESOLVED, DAY0 + timedelta(days=9), amount=None, crisis=False)
    assert opened_after == in_order


def test_policy_ignore_for_single_waits_for_more():
    ignore_single = DEFAULT.model_copy(update={"single": Action.IGNORE})
    assessment, decisions = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 10)], ignore_single)
    assert [type(d) for d in decisions] == [CaseNeeded]
    assert decisions[0].episode.intensity is Intensity.MULTIPLE
    alone, _ = run([S("eigen-haard", RENT, 0), S("vgz", HEALTH, 200)], ignore_single)
    assert statuses(alone)[0] is SignalStatus.OTHER_REASON


def test_a_bad_policy_file_names_the_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('municipality_code = "0437"\nname = "x"\nsingle = "letter_twice"\nwindow = "soon"\n')
    with pytest.raises(PolicyError, match="single") as caught:
        load_policy(path)
    assert "window" in str(caught.value)


def test_a_crisis_policy_of_ignore_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('municipality_code = "0437"\nname = "x"\ncrisis = "ignore"\n')
    with pytest.raises(PolicyError, match="crisis"):
        load_policy(path)
