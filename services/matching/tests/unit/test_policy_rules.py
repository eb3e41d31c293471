"""Table-driven tests of every rule of the default (Ouder-Amstel) policy and the letter-and-call example,
and of what Amstelveen's policy does differently.

Each row is a household's timeline as partners and outreach send it (by date): signals, their
resolves and withdrawals, and cases outreach closes. The expected column is what matching
announces, in order, and each signal's final DDAS status (as matching assesses it; outreach
delivers a withdrawn signal it heard of as `Niet opgepakt: onterecht signaal`, ADR 0015).
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from matching.domain.decisions import (
    CaseEscalated,
    CaseNeeded,
    NotPickedUp,
    SignalsEnded,
    SignalsJoined,
    announce,
    decide,
    empty_announced,
)
from matching.domain.model import Signal, assess
from matching.adapters.policy_files import load_policy
from vroeg_contracts.partner_report import Category, ReportStatus

POLICIES = Path(__file__).resolve().parents[2] / "policies"
DEFAULT = load_policy(POLICIES / "0437-ouder-amstel.toml")
SINGLE_CALLS = load_policy(POLICIES / "examples" / "single-letter-and-call.toml")
AMSTELVEEN = load_policy(POLICIES / "0362-amstelveen.toml")
NO_CRISIS_BYPASS = DEFAULT.model_copy(update={"crisis_bypasses_threshold": False})
DAY0 = date(2026, 6, 1)
RENT, HEALTH, WATER, ENERGY = Category.RENT, Category.HEALTH_INSURANCE, Category.WATER, Category.ENERGY
EH, VGZ, ZK, WN, VF = "eigen-haard", "vgz", "zilveren-kruis", "waternet", "vattenfall"


@dataclass
class S:
    """A signal: its open report on `day`, and optionally its resolve or withdrawal later."""

    partner: str
    category: Category
    day: int
    days_in_arrears: int = 45
    crisis: bool = False
    amount: str = "100.00"
    resolved: int | None = None
    withdrawn: int | None = None


@dataclass
class Closed:
    """Outreach closes the most recently opened case on this day (`CaseClosed`)."""

    day: int


class Household:
    """The handler's loop in miniature: fold each report in, decide, remember what was announced."""

    def __init__(self, policy):
        self.policy = policy
        self.signals: dict[uuid.UUID, Signal] = {}
        self.announced = empty_announced()
        self.closed: dict[uuid.UUID, date] = {}
        self.cases: list[uuid.UUID] = []
        self.said: list[str] = []
        self.index: dict[uuid.UUID, int] = {}

    def report(self, index: int, spec: S, status: ReportStatus, day: int) -> None:
        signal_id = uuid.UUID(int=index + 1)
        self.index[signal_id] = index
        on, since = DAY0 + timedelta(days=day), DAY0 + timedelta(days=spec.day - spec.days_in_arrears)
        fields = {"amount": Decimal(spec.amount), "crisis": spec.crisis, "arrears_since": since}
        if signal_id in self.signals:
            self.signals[signal_id] = self.signals[signal_id].merge(status, on, **fields)
        else:
            self.signals[signal_id] = Signal.first_report(signal_id=signal_id, partner_id=spec.partner,
                                                          report_id=f"r{index}", category=spec.category,
                                                          status=status, signal_date=on, **fields)
        self.decide()

    def close_latest_case(self, day: int) -> None:
        self.closed[self.cases[-1]] = DAY0 + timedelta(days=day)
        self.decide()

    def decide(self) -> None:
        self.assessment, decisions, self.announced = decide("household", self.signals, self.policy,
                                                            self.announced, self.closed)
        for decision in decisions:
            self.said.append(self.describe(decision))
            if isinstance(decision, CaseNeeded):
                self.cases.append(decision.episode_id)

    def describe(self, decision) -> str:
        if isinstance(decision, NotPickedUp):
            return f"not picked up {self.index[decision.signal_id]}: {decision.status.value}"
        if isinstance(decision, SignalsEnded):
            ended = ", ".join(f"{self.index[e.signal_id]} {e.ending.value}" for e in decision.ended)
            if decision.closes_with is not None:
                return f"end {ended}; closes: {decision.closes_with.value}"
            return f"end {ended}; remaining {sorted(self.index[s] for s in decision.remaining)}"
        kind = "case" if isinstance(decision, CaseNeeded) else "join" if isinstance(decision, SignalsJoined) else "escalate"
        members = sorted(self.index[s] for s in decision.signal_ids)
        return f"{kind} {decision.episode.intensity.value} {decision.episode.action.value} {members}"

    def statuses(self) -> list[str]:
        return [self.assessment.statuses[uuid.UUID(int=i + 1)].value for i in range(len(self.index))]


def live(timeline, policy) -> Household:
    """Play a timeline in date order: opens before resolves and closures of the same day."""
    events = []
    for index, item in enumerate(timeline):
        if isinstance(item, Closed):
            events.append((item.day, 2, index, None, None))
            continue
        events.append((item.day, 0, index, item, ReportStatus.OPEN))
        if item.resolved is not None:
            events.append((item.resolved, 1, index, item, ReportStatus.RESOLVED))
        if item.withdrawn is not None:
            events.append((item.withdrawn, 1, index, item, ReportStatus.WITHDRAWN))
    household = Household(policy)
    signal_number = {index: n for n, index in enumerate(i for i, item in enumerate(timeline) if isinstance(item, S))}
    for day, _, index, spec, status in sorted(events, key=lambda e: e[:3]):
        if spec is None:
            household.close_latest_case(day)
        else:
            household.report(signal_number[index], spec, status, day)
    return household


PICKED, NOT_YET, WRONG, REPEAT, WITHDRAWN = (
    "Opgepakt", "Nog niet opgepakt", "Niet opgepakt: onterecht signaal", "Niet opgepakt: herhaalde melding",
    "Ingetrokken")
# What a case that rests on no open signal any more closes with (ADR 0015).
IN_ERROR, PAID = "closes: Niet opgepakt: onterecht signaal", "closes: Inwoner heeft zelf al betaald/betalingsregeling getroffen"

# (rule, timeline, what matching announces in order, final statuses). `{single}` is the policy's
# action for a single category: letter_only by default, letter_and_call in the example.
RULES = [
    ("single category: one case, the policy's single action",
     [S(EH, RENT, 0)], ["case single {single} [0]"], [PICKED]),
    ("two categories within the window: the case escalates to multiple",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 10)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]"], [PICKED, PICKED]),
    ("a third category escalates again",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 10), S(WN, WATER, 20)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]",
      "escalate multiple letter_and_call [0, 1, 2]"], [PICKED, PICKED, PICKED]),
    ("the window is inclusive: a second category 90 days later is multiple",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 90)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]"], [PICKED, PICKED]),
    ("91 days later the first signal stopped counting: not multiple, but it joins the open case (a new category)",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 91)],
     ["case single {single} [0]", "escalate single {single} [1]"], [PICKED, PICKED]),
    ("an unresolved signal outside the window no longer counts toward multiple, and its case stays open",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 150)],
     ["case single {single} [0]", "escalate single {single} [1]"], [PICKED, PICKED]),
    ("exactly 30 days of arrears is enough",
     [S(EH, RENT, 0, days_in_arrears=30)], ["case single {single} [0]"], [PICKED]),
    ("29 days of arrears is below the threshold",
     [S(EH, RENT, 0, days_in_arrears=29)], [f"not picked up 0: {WRONG}"], [WRONG]),
    ("a signal below the threshold does not count toward multiple",
     [S(EH, RENT, 0, days_in_arrears=29), S(VGZ, HEALTH, 5)],
     [f"not picked up 0: {WRONG}", "case single {single} [1]"], [WRONG, PICKED]),
    ("a crisis bypasses the threshold and is urgent",
     [S(VF, ENERGY, 0, days_in_arrears=5, crisis=True)], ["case crisis urgent [0]"], [PICKED]),
    ("a crisis escalates an open case, even from the same partner",
     [S(EH, RENT, 0), S(EH, RENT, 20, crisis=True)],
     ["case single {single} [0]", "escalate crisis urgent [0, 1]"], [PICKED, PICKED]),
    ("multiple, then a crisis",
     [S(EH, RENT, 0), S(VGZ, HEALTH, 10), S(VF, ENERGY, 20, crisis=True)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "escalate crisis urgent [0, 1, 2]"],
     [PICKED, PICKED, PICKED]),
    ("repeat: the same partner while the case is open joins it, no new letter",
     [S(EH, RENT, 0), S(EH, RENT, 30)], ["case single {single} [0]", f"not picked up 1: {REPEAT}"], [PICKED, REPEAT]),
    ("another partner of a category the case has joins it, no new letter",
     [S(VGZ, HEALTH, 0), S(ZK, HEALTH, 10)], ["case single {single} [0]", "join single {single} [1]"], [PICKED, PICKED]),
    ("repeat: the same partner within 6 months of the case's close (resolved on day 10)",
     [S(EH, RENT, 0, resolved=10), S(EH, RENT, 100)],
     ["case single {single} [0]", f"end 0 resolved; {PAID}", f"not picked up 1: {REPEAT}"], [PICKED, REPEAT]),
    ("repeat edge: the case ended on day 11; 12 December is 6 months later less a day",
     [S(EH, RENT, 0, resolved=10), S(EH, RENT, 193)],
     ["case single {single} [0]", f"end 0 resolved; {PAID}", f"not picked up 1: {REPEAT}"], [PICKED, REPEAT]),
    ("repeat edge: 6 months after the close, the same partner opens a new case",
     [S(EH, RENT, 0, resolved=10), S(EH, RENT, 194)],
     ["case single {single} [0]", f"end 0 resolved; {PAID}", "case single {single} [1]"], [PICKED, PICKED]),
    ("outreach's close date counts when known: closed on day 120, a repeat on day 300 is suppressed",
     [S(EH, RENT, 0), Closed(120), S(EH, RENT, 300)],
     ["case single {single} [0]", f"not picked up 1: {REPEAT}"], [PICKED, REPEAT]),
    ("without outreach's close the case stays open; its episode ended with its window (day 91), so day 300 is"
     " no repeat and joins it",
     [S(EH, RENT, 0), S(EH, RENT, 300)],
     ["case single {single} [0]", "join single {single} [1]"], [PICKED, PICKED]),
    ("after outreach closed the case, a new category starts a new case",
     [S(EH, RENT, 0), Closed(20), S(VGZ, HEALTH, 30)],
     ["case single {single} [0]", "case single {single} [1]"], [PICKED, PICKED]),
    ("after outreach closed the case, a crisis of the same partner starts a new case",
     [S(EH, RENT, 0), Closed(20), S(EH, RENT, 40, crisis=True)],
     ["case single {single} [0]", "case crisis urgent [1]"], [PICKED, PICKED]),
    ("after outreach closed the case, the same partner is a repeat",
     [S(EH, RENT, 0), Closed(20), S(EH, RENT, 40)],
     ["case single {single} [0]", f"not picked up 1: {REPEAT}"], [PICKED, REPEAT]),
    ("a withdrawn signal counts for nothing: its case closes as sent in error, and the next signal opens a new one",
     [S(EH, RENT, 0, withdrawn=2), S(VGZ, HEALTH, 5)],
     ["case single {single} [0]", f"end 0 withdrawn; {IN_ERROR}", "case single {single} [1]"], [WITHDRAWN, PICKED]),
    ("a resolved signal no longer counts toward multiple: its case closes as paid, the next signal opens a new one",
     [S(EH, RENT, 0, resolved=3), S(VGZ, HEALTH, 5)],
     ["case single {single} [0]", f"end 0 resolved; {PAID}", "case single {single} [1]"], [PICKED, PICKED]),
    ("a signal still counts on the day it is resolved; the case goes on with the other",
     [S(EH, RENT, 0, resolved=5), S(VGZ, HEALTH, 5)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "end 0 resolved; remaining [1]"],
     [PICKED, PICKED]),
    ("withdrawn after the letter, the same partner again: no repeat (it was never sent), a new case",
     [S(EH, RENT, 0, withdrawn=10), S(EH, RENT, 20)],
     ["case single {single} [0]", f"end 0 withdrawn; {IN_ERROR}", "case single {single} [1]"], [WITHDRAWN, PICKED]),
    ("one of two signals withdrawn: the case goes on, resting on the other",
     [S(EH, RENT, 0, withdrawn=10), S(VGZ, HEALTH, 5)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "end 0 withdrawn; remaining [1]"],
     [WITHDRAWN, PICKED]),
    ("one withdrawn, the other resolved: the case closes as paid",
     [S(EH, RENT, 0, withdrawn=10), S(VGZ, HEALTH, 5, resolved=20)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "end 0 withdrawn; remaining [1]",
      f"end 1 resolved; {PAID}"], [WITHDRAWN, PICKED]),
    ("both withdrawn: the case closes as sent in error",
     [S(EH, RENT, 0, withdrawn=10), S(VGZ, HEALTH, 5, withdrawn=20)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "end 0 withdrawn; remaining [1]",
      f"end 1 withdrawn; {IN_ERROR}"], [WITHDRAWN, WITHDRAWN]),
    ("a crisis after the case's only signal was withdrawn opens a new, urgent case",
     [S(EH, RENT, 0, withdrawn=10), S(VF, ENERGY, 20, days_in_arrears=5, crisis=True)],
     ["case single {single} [0]", f"end 0 withdrawn; {IN_ERROR}", "case crisis urgent [1]"], [WITHDRAWN, PICKED]),
    ("a crisis after one of two signals was withdrawn escalates the case that goes on",
     [S(EH, RENT, 0, withdrawn=10), S(VGZ, HEALTH, 5), S(VF, ENERGY, 20, crisis=True)],
     ["case single {single} [0]", "escalate multiple letter_and_call [0, 1]", "end 0 withdrawn; remaining [1]",
      "escalate crisis urgent [1, 2]"], [WITHDRAWN, PICKED, PICKED]),
    ("a repeat withdrawn later is announced again, as sent in error",
     [S(EH, RENT, 0), S(EH, RENT, 30, withdrawn=40)],
     ["case single {single} [0]", f"not picked up 1: {REPEAT}", f"not picked up 1: {WRONG}"], [PICKED, WITHDRAWN]),
    ("a signal below the threshold withdrawn later already has that status: nothing more is said",
     [S(EH, RENT, 0, days_in_arrears=29, withdrawn=5)], [f"not picked up 0: {WRONG}"], [WITHDRAWN]),
    ("a resolved signal keeps its case's status; the case closes as paid",
     [S(EH, RENT, 0, resolved=30)], ["case single {single} [0]", f"end 0 resolved; {PAID}"], [PICKED]),
    ("a case outreach closed hears nothing of a later withdrawal",
     [S(EH, RENT, 0, withdrawn=30), Closed(20)], ["case single {single} [0]"], [WITHDRAWN]),
    ("another partner of the case's category after the window joins the open case, no new letter",
     [S(VGZ, HEALTH, 0), S(ZK, HEALTH, 120)], ["case single {single} [0]", "join single {single} [1]"], [PICKED, PICKED]),
]


@pytest.mark.parametrize("policy", [DEFAULT, SINGLE_CALLS], ids=["ouder-amstel", "single-letter-and-call"])
@pytest.mark.parametrize(("rule", "timeline", "announced", "statuses"), RULES, ids=[r[0] for r in RULES])
def test_rule(policy, rule, timeline, announced, statuses):
    household = live(timeline, policy)
    assert household.said == [line.format(single=policy.single.value) for line in announced]
    assert household.statuses() == statuses


# Rules that differ between policies, or need a policy of their own.
OWN_RULES = [
    ("ouder-amstel: a single category gets a letter only", DEFAULT,
     [S(EH, RENT, 0)], ["case single letter_only [0]"], [PICKED]),
    ("example: a single category gets a letter and a call", SINGLE_CALLS,
     [S(EH, RENT, 0)], ["case single letter_and_call [0]"], [PICKED]),
    ("example: water below 25 euros is below its threshold", SINGLE_CALLS,
     [S(WN, WATER, 0, amount="24.99")], [f"not picked up 0: {WRONG}"], [WRONG]),
    ("example: water of exactly 25 euros is enough", SINGLE_CALLS,
     [S(WN, WATER, 0, amount="25.00")], ["case single letter_and_call [0]"], [PICKED]),
    ("example: the water threshold keeps the default's 30 days", SINGLE_CALLS,
     [S(WN, WATER, 0, days_in_arrears=29, amount="90")], [f"not picked up 0: {WRONG}"], [WRONG]),
    ("ouder-amstel: small water debts are not below any threshold", DEFAULT,
     [S(WN, WATER, 0, amount="1.00")], ["case single letter_only [0]"], [PICKED]),
    ("a crisis is below the threshold when the policy does not let it bypass", NO_CRISIS_BYPASS,
     [S(VF, ENERGY, 0, days_in_arrears=5, crisis=True)], [f"not picked up 0: {WRONG}"], [WRONG]),
    ("a crisis above the threshold is urgent without the bypass too", NO_CRISIS_BYPASS,
     [S(VF, ENERGY, 0, crisis=True)], ["case crisis urgent [0]"], [PICKED]),
    ("amstelveen: a single category gets a letter and a call", AMSTELVEEN,
     [S(EH, RENT, 0)], ["case single letter_and_call [0]"], [PICKED]),
    ("amstelveen: a second category 60 days later is multiple", AMSTELVEEN,
     [S(EH, RENT, 0), S(VGZ, HEALTH, 60)],
     ["case single letter_and_call [0]", "escalate multiple letter_and_call [0, 1]"], [PICKED, PICKED]),
    ("amstelveen: 61 days later the first signal stopped counting: not multiple, it joins the open case", AMSTELVEEN,
     [S(EH, RENT, 0), S(VGZ, HEALTH, 61)],
     ["case single letter_and_call [0]", "escalate single letter_and_call [1]"], [PICKED, PICKED]),
    ("amstelveen: a debt below 50 euros is below the threshold", AMSTELVEEN,
     [S(EH, RENT, 0, amount="49.99")], [f"not picked up 0: {WRONG}"], [WRONG]),
    ("amstelveen: a debt of exactly 50 euros is enough", AMSTELVEEN,
     [S(EH, RENT, 0, amount="50.00")], ["case single letter_and_call [0]"], [PICKED]),
    ("amstelveen: a crisis below 50 euros bypasses the threshold", AMSTELVEEN,
     [S(VF, ENERGY, 0, crisis=True, amount="10.00")], ["case crisis urgent [0]"], [PICKED]),
]


@pytest.mark.parametrize(("rule", "policy", "timeline", "announced", "statuses"), OWN_RULES, ids=[r[0] for r in OWN_RULES])
def test_policy_specific_rule(rule, policy, timeline, announced, statuses):
    household = live(timeline, policy)
    assert household.said == announced
    assert household.statuses() == statuses


def test_signals_known_at_once_on_the_same_day_open_one_multiple_case():
    rent = Signal(signal_id=uuid.UUID(int=1), partner_id=EH, report_id="a", category=RENT, amount=Decimal(100),
                  arrears_since=DAY0 - timedelta(days=40), signal_date=DAY0, crisis=False)
    health = Signal(signal_id=uuid.UUID(int=2), partner_id=VGZ, report_id="b", category=HEALTH, amount=Decimal(100),
                    arrears_since=DAY0 - timedelta(days=40), signal_date=DAY0, crisis=False)
    decisions, _ = announce("household", assess({s.signal_id: s for s in (rent, health)}, DEFAULT), empty_announced())
    assert [type(d) for d in decisions] == [CaseNeeded]
    assert decisions[0].episode.intensity.value == "multiple" and decisions[0].signal_ids == [rent.signal_id, health.signal_id]


def test_a_late_signal_dated_before_an_announced_case_escalates_it():
    household = live([S(VGZ, HEALTH, 10)], DEFAULT)
    household.report(1, S(EH, RENT, 0), ReportStatus.OPEN, 0)  # dated earlier, arrives later
    assert household.said == ["case single letter_only [0]", "escalate multiple letter_and_call [0, 1]"]


def test_a_closed_case_is_not_escalated_a_late_signal_starts_a_follow_up_case():
    household = live([S(EH, RENT, 0), Closed(50)], DEFAULT)
    household.report(1, S(VGZ, HEALTH, 30), ReportStatus.OPEN, 30)  # dated before the close, arrives after it
    assert household.said == ["case single letter_only [0]", "case multiple letter_and_call [0, 1]"]
    assert len(set(household.cases)) == 2


def test_a_resolve_that_arrives_before_its_open_waits_for_it():
    household = Household(DEFAULT)
    spec = S(EH, RENT, 0, resolved=20)
    household.report(0, spec, ReportStatus.RESOLVED, 20)
    assert household.said == [] and household.statuses() == [NOT_YET]
    household.report(0, spec, ReportStatus.OPEN, 0)
    # The case opens on the open's date, and rests on nothing open: it closes at once (ADR 0015).
    assert household.said == ["case single letter_only [0]", f"end 0 resolved; {PAID}"]
    assert household.signals[uuid.UUID(int=1)].signal_date == DAY0  # the open's date, not the resolve's


def test_every_decision_names_its_rule():
    household = live([S(EH, RENT, 0), S(VGZ, HEALTH, 10)], DEFAULT)
    episode = household.assessment.episodes[0]
    assert episode.rule == "multiple: 2 categories open within 90 days (health_insurance, rent) -> letter_and_call"
    assert household.assessment.reasons[uuid.UUID(int=2)] == "joins the open case and escalates it: new category health_insurance"
    below = live([S(EH, RENT, 0, days_in_arrears=29)], DEFAULT)
    assert below.assessment.reasons[uuid.UUID(int=1)] == "below threshold: 29 days in arrears, rent needs at least 30"


def test_escalations_are_announced_with_their_reason():
    household = Household(DEFAULT)
    household.report(0, S(EH, RENT, 0), ReportStatus.OPEN, 0)
    _, decisions, _ = decide("household", {**household.signals, **{uuid.UUID(int=2): Signal(
        signal_id=uuid.UUID(int=2), partner_id=VGZ, report_id="b", category=HEALTH, amount=Decimal(100),
        arrears_since=DAY0, signal_date=DAY0 + timedelta(days=40), crisis=False)}}, DEFAULT, household.announced, {})
    escalation, = decisions
    assert isinstance(escalation, CaseEscalated) and escalation.on == DAY0 + timedelta(days=40)
    assert escalation.rule.startswith("escalated by new category health_insurance: multiple: 2 categories")


def test_a_late_earlier_report_of_the_same_partner_opens_no_second_case():
    household = live([S(EH, RENT, 30)], DEFAULT)
    household.report(1, S(EH, RENT, 0), ReportStatus.OPEN, 0)  # dated earlier, arrives later
    # It joins the case, and outreach hears of it (ADR 0014).
    assert household.said == ["case single letter_only [0]", "join single letter_only [1]"]
    # The first signal is now the repeat, but it was announced as picked up: that is not taken back.
    assert household.statuses() == [REPEAT, PICKED]


def test_a_signal_of_the_resolve_day_arriving_after_the_case_ended_opens_a_case_resting_on_it_alone():
    household = live([S(EH, RENT, 0, resolved=10)], DEFAULT)
    household.report(1, S(VGZ, HEALTH, 10), ReportStatus.OPEN, 10)  # counted with the rent, but arrives after the end
    assert household.said == ["case single letter_only [0]", f"end 0 resolved; {PAID}", "case single letter_only [1]"]
    assert len(set(household.cases)) == 2


def test_a_redelivered_withdrawal_announces_nothing_new():
    household = live([S(EH, RENT, 0)], DEFAULT)
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 10)
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 10)
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 12)  # withdrawn again, later: the first date stands
    assert household.said == ["case single letter_only [0]", f"end 0 withdrawn; {IN_ERROR}"]


def test_outreach_closing_a_case_matching_ended_changes_nothing():
    household = live([S(EH, RENT, 0, resolved=10)], DEFAULT)
    household.close_latest_case(40)  # outreach closes it on receipt of the end, some days later
    household.close_latest_case(40)
    assert household.said == ["case single letter_only [0]", f"end 0 resolved; {PAID}"]
    # The case ended with its signal (the day after the resolve), not with outreach's close.
    (episode,) = household.assessment.episodes
    assert episode.closed_on is None and episode.ends_on(household.signals, DEFAULT) == DAY0 + timedelta(days=11)


def test_a_withdrawal_known_before_its_open_is_never_announced():
    household = Household(DEFAULT)
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 3)
    household.report(0, S(EH, RENT, 0), ReportStatus.OPEN, 0)
    assert household.said == [] and household.statuses() == [WITHDRAWN]


def test_a_resolve_then_a_withdrawal_of_the_same_signal_is_told_again_while_the_case_is_open():
    household = live([S(EH, RENT, 0, resolved=10), S(VGZ, HEALTH, 5)], DEFAULT)
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 12)  # sent in error after all
    assert household.said[-2:] == ["end 0 resolved; remaining [1]", "end 0 withdrawn; remaining [1]"]


def test_an_announced_state_from_before_ends_were_kept_still_loads():
    household = live([S(EH, RENT, 0)], DEFAULT)
    (case,) = household.announced["episodes"].values()
    assert "ended_signals" not in case and "ended_on" not in case  # what every state stored before looks like
    household.report(0, S(EH, RENT, 0), ReportStatus.WITHDRAWN, 10)
    (case,) = household.announced["episodes"].values()
    assert case["ended_signals"] == {str(uuid.UUID(int=1)): {"ended": "withdrawn", "on": "2026-06-11"}}
    assert (case["ended_on"], case["closes_with"]) == ("2026-06-11", "Niet opgepakt: onterecht signaal")
