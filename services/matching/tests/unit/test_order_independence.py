"""Properties: a household's decisions do not depend on the order its reports (and its cases'
closures) arrive in; a resolve that overtakes its open changes no decision; redelivery changes nothing;
a household never has two open cases."""

import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.adapters.policy_files import load_policy
from matching.domain.decisions import (
    NOT_PICKED_UP,
    CaseEscalated,
    CaseNeeded,
    NotPickedUp,
    SignalsEnded,
    SignalsJoined,
    closures_of,
    decide,
    empty_announced,
)
from matching.domain.model import CaseClosure, Signal, SignalStatus, assess
from matching.domain.policy import Policy
from vroeg_contracts.partner_report import Category, ReportStatus

POLICY = Policy(municipality_code="0437", name="test")
# Amstelveen: a shorter window (60 days) and a minimum amount, so cases end and open at other points.
AMSTELVEEN = load_policy(Path(__file__).resolve().parents[2] / "policies" / "0362-amstelveen.toml")
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
closure = st.fixed_dictionaries({"signal": st.integers(0, 5), "day": st.integers(0, 400)})


def signal_id(index: int) -> uuid.UUID:
    return uuid.UUID(int=index + 1)


def canonical_origins(reports):
    # A signal's identity fixes its partner and arrears start (intake refuses changes to them), so
    # those come from one canonical report per signal, whatever the arrival order.
    origins: dict[int, dict] = {}
    for r in sorted(reports, key=lambda r: (r["signal"], r["partner"], r["day"], r["arrears_days"])):
        origins.setdefault(r["signal"], r)
    return origins


def fold_one(signals, r, origin):
    """What the handler does with one ArrearsReported: fold the report into its signal."""
    sid, day = signal_id(r["signal"]), DAY0 + timedelta(days=r["day"])
    fields = {"amount": Decimal("50"), "crisis": r["crisis"], "arrears_since": DAY0 - timedelta(days=origin["arrears_days"])}
    if sid in signals:
        return signals[sid].merge(r["status"], day, **fields)
    return Signal.first_report(signal_id=sid, partner_id=origin["partner"], report_id=f"r{r['signal']}",
                               category=PARTNERS[origin["partner"]], status=r["status"], signal_date=day, **fields)


def fold(reports):
    origins = canonical_origins(reports)
    signals: dict[uuid.UUID, Signal] = {}
    for r in reports:
        signals[signal_id(r["signal"])] = fold_one(signals, r, origins[r["signal"]])
    return signals


def summary(signals, closures=(), policy=POLICY):
    assessment = assess(signals, policy, closures)
    return ([(e.opened_on, sorted(map(str, e.signal_ids)), e.intensity, e.action, e.closed_on, e.rule)
             for e in assessment.episodes], assessment.statuses)


@settings(max_examples=500, deadline=None)
@given(st.lists(report, min_size=1, max_size=10), st.lists(closure, max_size=3), st.randoms(use_true_random=False))
def test_permuting_arrival_order_gives_the_same_final_assessment(reports, closed, rng):
    closures = [CaseClosure(frozenset({signal_id(c["signal"])}), DAY0 + timedelta(days=c["day"])) for c in closed]
    arrivals = [("report", r) for r in reports] + [("closure", c) for c in closures]
    shuffled = list(arrivals)
    rng.shuffle(shuffled)
    in_order = fold([r for kind, r in arrivals if kind == "report"])
    reordered = fold([r for kind, r in shuffled if kind == "report"])
    assert summary(in_order, [c for kind, c in arrivals if kind == "closure"]) == \
        summary(reordered, [c for kind, c in shuffled if kind == "closure"])


def told_to_outreach(decisions):
    """The signals outreach learns about: those of the cases opened, escalated or joined, and those
    not picked up. (An end, `SignalsEnded`, only names signals outreach already holds.)"""
    return ({s for d in decisions if isinstance(d, CaseNeeded | CaseEscalated | SignalsJoined) for s in d.signal_ids}
            | {d.signal_id for d in decisions if isinstance(d, NotPickedUp)})


class Household:
    """The handler's loop in miniature: fold, assess, announce what is new, remember it."""

    def __init__(self, policy=POLICY):
        self.policy = policy
        self.signals: dict[uuid.UUID, Signal] = {}
        self.announced = empty_announced()
        self.closed: dict[uuid.UUID, date] = {}
        self.published = []
        self.open_cases: set[uuid.UUID] = set()  # as outreach holds them, from the decisions

    def receive(self, r, origin):
        self.signals[signal_id(r["signal"])] = fold_one(self.signals, r, origin)
        return self.reassess()

    def close_case(self, episode_id, day):
        self.closed[episode_id] = max(day, self.closed.get(episode_id, day))
        self.open_cases.discard(episode_id)
        return self.reassess()

    def reassess(self):
        _, decisions, self.announced = decide("household", self.signals, self.policy, self.announced, self.closed)
        self.published.extend(decisions)
        for d in decisions:
            if isinstance(d, CaseNeeded):
                assert not self.open_cases, "a second case opened while one is open"
                self.open_cases.add(d.episode_id)
            elif isinstance(d, SignalsEnded) and d.closes_with is not None:
                self.open_cases.discard(d.episode_id)
        return decisions


def described(decisions):
    """The decisions in order, and the ends told (each signal's end, each case's close): those are
    the same facts whatever the order, but a resolve known when its open arrives is told in the
    same `SignalsEnded` as the ends known before it, not in one of its own."""
    ends = [d for d in decisions if isinstance(d, SignalsEnded)]
    return ([(type(d).__name__, str(getattr(d, "episode_id", getattr(d, "signal_id", ""))),
              getattr(getattr(d, "episode", None), "intensity", getattr(d, "status", None)),
              sorted(map(str, getattr(d, "signal_ids", [])))) for d in decisions if d not in ends],
            sorted((d.episode_id, e.signal_id, e.ending, e.on) for d in ends for e in d.ended),
            sorted((d.episode_id, d.closes_with) for d in ends if d.closes_with is not None))


life = st.lists(st.fixed_dictionaries({
    "partner": st.sampled_from(sorted(PARTNERS)),
    "day": st.integers(0, 250),
    "arrears_days": st.integers(20, 60),
    "crisis": st.sampled_from([False, False, False, True]),
    "resolved_after": st.one_of(st.none(), st.integers(0, 60)),
}), min_size=1, max_size=7)


@settings(max_examples=500, deadline=None)
@given(life, st.sampled_from([POLICY, AMSTELVEEN]))
def test_a_resolve_that_overtakes_its_open_changes_no_decision(signals, policy):
    reports = []
    for index, s in enumerate(signals):
        opened = {"signal": index, "partner": s["partner"], "day": s["day"], "arrears_days": s["arrears_days"],
                  "crisis": s["crisis"], "status": ReportStatus.OPEN}
        reports.append(opened)
        if s["resolved_after"] is not None:
            reports.append({**opened, "day": s["day"] + s["resolved_after"], "status": ReportStatus.RESOLVED})
    origins = canonical_origins(reports)
    # The opens as partners send them, by date; each resolve comes with its own open,
    # right after it or right before it (it overtook it). An end is acted on when it arrives (ADR
    # 0015), so a resolve that also overtakes other partners' earlier-dated reports makes those late
    # reports, and late reports may change decisions (ADR 0003); the swap with its own open may not.
    in_date_order = sorted((r for r in reports if r["status"] is ReportStatus.OPEN), key=lambda r: (r["day"], r["signal"]))
    resolves = {r["signal"]: [r] for r in reports if r["status"] is ReportStatus.RESOLVED}
    natural, overtaken = [], []
    for r in in_date_order:
        natural += [r, *resolves.get(r["signal"], [])]
        overtaken += [*resolves.get(r["signal"], []), r]
    natural_household, early = Household(policy), Household(policy)
    for r in natural:
        natural_household.receive(r, origins[r["signal"]])
    for r in overtaken:
        early.receive(r, origins[r["signal"]])
    assert described(natural_household.published) == described(early.published)


@settings(max_examples=500, deadline=None)
@given(st.lists(report, min_size=1, max_size=10), st.randoms(use_true_random=False), st.integers(0, 400))
def test_any_arrival_order_opens_each_case_once_and_redelivery_changes_nothing(reports, rng, close_day):
    origins = canonical_origins(reports)
    shuffled = list(reports)
    rng.shuffle(shuffled)
    household = Household()
    for r in shuffled:
        household.receive(r, origins[r["signal"]])
        assert household.receive(r, origins[r["signal"]]) == []  # the same report again: nothing new
    # Outreach hears of every signal that counts, in some decision, whatever the order (ADR 0014).
    counted = {s for s, status in assess(household.signals, POLICY).statuses.items()
               if status is SignalStatus.PICKED_UP or status in NOT_PICKED_UP}
    assert counted <= told_to_outreach(household.published) <= set(household.signals)
    opened = [d.episode_id for d in household.published if isinstance(d, CaseNeeded)]
    if opened:
        household.close_case(opened[0], DAY0 + timedelta(days=close_day))
        assert household.close_case(opened[0], DAY0 + timedelta(days=close_day)) == []
    opened = [d.episode_id for d in household.published if isinstance(d, CaseNeeded)]
    assert len(opened) == len(set(opened)), "a case was opened twice"
    escalated = {d.episode_id for d in household.published if isinstance(d, CaseEscalated | SignalsJoined)}
    assert escalated <= set(opened), "an escalation or a join names a case that was never opened"
    not_picked_up: dict[uuid.UUID, list[SignalStatus]] = {}
    for d in household.published:
        if isinstance(d, NotPickedUp):
            not_picked_up.setdefault(d.signal_id, []).append(d.status)
    # Once, and once more when its partner withdrew it after that: then as sent in error.
    for signal, statuses in not_picked_up.items():
        assert len(statuses) == 1 or (len(statuses) == 2 and household.signals[signal].withdrawn
                                      and statuses[1] is SignalStatus.BELOW_THRESHOLD), \
            f"a signal was reported as not picked up twice, not for a withdrawal: {statuses}"
    ended = Counter((d.episode_id, e.signal_id, e.ending) for d in household.published if isinstance(d, SignalsEnded)
                    for e in d.ended)
    assert all(n == 1 for n in ended.values()), "the same end of a signal was announced twice"
    final = assess(household.signals, POLICY, closures_of(household.announced, household.closed))
    announced_signals = {s for e in household.announced["episodes"].values() for s in e["signal_ids"]}
    for episode in final.episodes:
        assert {str(s) for s in final.picked_up(episode)} & announced_signals, "an episode no case was opened for"
