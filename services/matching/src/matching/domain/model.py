"""Signals of a household and the pure assessment of them under a policy.

`assess` depends only on the *set* of signals (each merged from all its reports) and the set of
cases outreach closed, never on the order in which they arrived: signals are replayed in a canonical
order (signal date, partner, report id). That is what makes decisions deterministic and replays
harmless (ADR 0003).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from vroeg_contracts.events import Intensity
from vroeg_contracts.partner_report import Category, ReportStatus

from .policy import Action, Policy

RANK = {Intensity.SINGLE: 0, Intensity.MULTIPLE: 1, Intensity.CRISIS: 2}


def more_intense(first: Intensity, second: Intensity) -> Intensity:
    return first if RANK[first] >= RANK[second] else second


class Ending(StrEnum):
    """How a signal ended before its window did: the contract's `SignalEnd.ended`."""

    WITHDRAWN = "withdrawn"  # sent in error
    RESOLVED = "resolved"  # paid or arranged


class SignalStatus(StrEnum):
    """DDAS `EnumSignaalstatus`, plus the statuses of signals that became part of a case."""

    PICKED_UP = "Opgepakt"
    NOT_YET = "Nog niet opgepakt"
    BELOW_THRESHOLD = "Niet opgepakt: onterecht signaal"
    REPEAT = "Niet opgepakt: herhaalde melding"
    OTHER_REASON = "Niet opgepakt: andere reden"
    WITHDRAWN = "Ingetrokken"  # sent in error: not a signal at all


@dataclass(frozen=True)
class Signal:
    signal_id: uuid.UUID
    partner_id: str
    report_id: str
    category: Category
    amount: Decimal | None
    arrears_since: date
    signal_date: date
    crisis: bool
    closed_on: date | None = None  # resolved (paid or arranged) on this date
    withdrawn: bool = False
    withdrawn_on: date | None = None  # the withdrawal's date (None for signals stored before it was kept)
    # False while only a resolve or withdrawal is known: the report that opened it is still on its way.
    reported_open: bool = True
    # Carried to outreach, not used in the assessment.
    person_key: str | None = None
    warm_handover: bool = False

    @classmethod
    def first_report(cls, *, signal_id: uuid.UUID, partner_id: str, report_id: str, category: Category,
                     status: ReportStatus, signal_date: date, arrears_since: date, amount: Decimal | None,
                     crisis: bool) -> Signal:
        """The signal as the first report about it (of any status) describes it."""
        blank = cls(signal_id=signal_id, partner_id=partner_id, report_id=report_id, category=category, amount=None,
                    arrears_since=arrears_since, signal_date=signal_date, crisis=False, reported_open=False)
        return blank.merge(status, signal_date, amount=amount, crisis=crisis, arrears_since=arrears_since)

    def merge(self, status: ReportStatus, signal_date: date, *, amount: Decimal | None, crisis: bool,
              arrears_since: date | None = None) -> Signal:
        """Fold another report about this signal in, so that the result is the same whatever order
        the reports come in: closing is final, dates take their minimum (the signal date over the
        open reports once one is known), a crisis flag sticks, and the amount is the highest reported."""
        amounts = [a for a in (self.amount, amount) if a is not None]
        merged = replace(self, crisis=self.crisis or crisis, amount=max(amounts) if amounts else None,
                         arrears_since=min(self.arrears_since, arrears_since or self.arrears_since))
        if status is ReportStatus.OPEN:
            # A resolve's date says when the arrears ended, not when they were signalled.
            opened = signal_date if not self.reported_open else min(self.signal_date, signal_date)
            return replace(merged, signal_date=opened, reported_open=True)
        if not self.reported_open:
            merged = replace(merged, signal_date=min(self.signal_date, signal_date))
        if status is ReportStatus.WITHDRAWN:
            withdrawn_on = signal_date if self.withdrawn_on is None else min(self.withdrawn_on, signal_date)
            return replace(merged, withdrawn=True, withdrawn_on=withdrawn_on)
        closed = signal_date if self.closed_on is None else min(self.closed_on, signal_date)
        return replace(merged, closed_on=closed)

    @property
    def ending(self) -> Ending | None:
        """How the signal ended, None while it is open. A withdrawal outranks a resolve: a signal
        sent in error was never a signal, whatever else its partner said about it."""
        if self.withdrawn:
            return Ending.WITHDRAWN
        return Ending.RESOLVED if self.closed_on is not None else None

    @property
    def ended_on(self) -> date | None:
        """The date of the report that ended it (the signal date for a withdrawal stored before its
        date was kept)."""
        if self.withdrawn:
            return self.withdrawn_on or self.signal_date
        return self.closed_on

    @property
    def days_in_arrears(self) -> int:
        return (self.signal_date - self.arrears_since).days

    def last_counting_day(self, policy: Policy) -> date:
        """The last day the signal counts: the end of its window, or the day it was resolved.

        A resolved signal still counts on the day it was signalled and on the day it was resolved.
        Matching decides the moment a report arrives, so a resolve cannot undo a case already
        opened; counting it that day gives the same decision whichever of the two came first.
        """
        last = policy.window.after(self.signal_date)
        if self.closed_on is not None:
            last = min(last, max(self.closed_on, self.signal_date))
        return last

    def open_on(self, day: date, policy: Policy) -> bool:
        """Open on `day`: reported, not withdrawn, not yet resolved, and inside its window."""
        return (self.reported_open and not self.withdrawn
                and self.signal_date <= day <= self.last_counting_day(policy))


def sort_key(signal: Signal) -> tuple[date, str, str]:
    return (signal.signal_date, signal.partner_id, signal.report_id)


@dataclass(frozen=True)
class CaseClosure:
    """A case that closed: outreach closed it (`CaseClosed`), or matching ended it because it rested
    on no open signal any more (ADR 0015). The signals matching announced for it, and the first day
    it no longer stands."""

    signal_ids: frozenset[uuid.UUID]
    closed_on: date


@dataclass(frozen=True)
class Escalation:
    on: date
    signal_id: uuid.UUID
    intensity: Intensity
    action: Action
    rule: str


@dataclass
class Episode:
    """One case's worth of signals: opened by the first signal that needs outreach."""

    opened_on: date
    signal_ids: list[uuid.UUID]
    intensity: Intensity
    action: Action
    rule: str
    categories: set[Category] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    crisis: bool = False
    escalations: list[Escalation] = field(default_factory=list)
    repeats: list[uuid.UUID] = field(default_factory=list)  # same partner again after the case closed
    closed_on: date | None = None  # the day outreach closed the case, when matching knows it

    @property
    def key(self) -> uuid.UUID:
        # Stable across re-assessments: the episode's first signal identifies it.
        return self.signal_ids[0]

    def add(self, signal: Signal) -> None:
        self.signal_ids.append(signal.signal_id)
        self.categories.add(signal.category)
        self.partners.add(signal.partner_id)
        self.crisis = self.crisis or signal.crisis

    def ends_on(self, signals: Mapping[uuid.UUID, Signal], policy: Policy) -> date:
        """The first day the case no longer stands: the day outreach closed it when that is known,
        else the day after the last of its signals stopped counting (resolved, or out of the window)."""
        if self.closed_on is not None:
            return self.closed_on
        return max(signals[s].last_counting_day(policy) for s in self.signal_ids) + timedelta(days=1)

    def open_on(self, day: date, signals: Mapping[uuid.UUID, Signal], policy: Policy) -> bool:
        return self.opened_on <= day < self.ends_on(signals, policy)


@dataclass
class Assessment:
    episodes: list[Episode]
    statuses: dict[uuid.UUID, SignalStatus]
    reasons: dict[uuid.UUID, str]
    signals: Mapping[uuid.UUID, Signal]
    policy: Policy

    def picked_up(self, episode: Episode) -> list[uuid.UUID]:
        """The episode's signals that a case rests on (repeats join a case but are not picked up)."""
        return [s for s in episode.signal_ids if self.statuses.get(s) is SignalStatus.PICKED_UP]


def assess(signals: Mapping[uuid.UUID, Signal], policy: Policy, closures: Iterable[CaseClosure] = ()) -> Assessment:
    """Replay a household's signals in canonical order and say what each led to."""
    replay = _Replay(signals, policy, tuple(closures))
    for signal in sorted(signals.values(), key=sort_key):
        replay.take(signal)
    return Assessment(replay.episodes, replay.statuses, replay.reasons, signals, policy)


def intensity_of(signals: Iterable[Signal]) -> Intensity:
    signals = list(signals)
    if any(s.crisis for s in signals):
        return Intensity.CRISIS
    if len({s.category for s in signals}) >= 2:
        return Intensity.MULTIPLE
    return Intensity.SINGLE


def rule_of(intensity: Intensity, signals: Iterable[Signal], policy: Policy) -> str:
    """The rule that fired, in words: which intensity, on which categories, leading to which action."""
    categories = sorted({s.category.value for s in signals})
    action = policy.action_for(intensity).value
    within = policy.window.describe()
    if intensity is Intensity.CRISIS:
        return f"crisis: a crisis signal is open ({', '.join(categories)}) -> {action}"
    if intensity is Intensity.MULTIPLE:
        return f"multiple: {len(categories)} categories open within {within} ({', '.join(categories)}) -> {action}"
    return f"single: one category open within {within} ({', '.join(categories)}) -> {action}"


def below_threshold(signal: Signal, policy: Policy) -> str | None:
    """Why a signal is below its category's threshold, or None when it is not."""
    if signal.crisis and policy.crisis_bypasses_threshold:
        return None
    threshold = policy.threshold(signal.category)
    if signal.days_in_arrears < threshold.min_days_in_arrears:
        return (f"below threshold: {signal.days_in_arrears} days in arrears, {signal.category.value} needs"
                f" at least {threshold.min_days_in_arrears}")
    if signal.amount is not None and signal.amount < threshold.min_amount:
        return f"below threshold: amount {signal.amount}, {signal.category.value} needs at least {threshold.min_amount}"
    return None


class _Replay:
    """One pass over a household's signals in canonical order, building its episodes."""

    def __init__(self, signals: Mapping[uuid.UUID, Signal], policy: Policy, closures: tuple[CaseClosure, ...]) -> None:
        self.signals = signals
        self.policy = policy
        self.closures = closures
        self.episodes: list[Episode] = []
        self.statuses: dict[uuid.UUID, SignalStatus] = {}
        self.reasons: dict[uuid.UUID, str] = {}

    def note(self, signal: Signal, status: SignalStatus, reason: str) -> None:
        self.statuses[signal.signal_id], self.reasons[signal.signal_id] = status, reason

    def take(self, signal: Signal) -> None:
        current = self.episodes[-1] if self.episodes else None
        shortfall = below_threshold(signal, self.policy)
        closed = self.recently_closed_case_of_partner(signal)
        if signal.withdrawn:
            self.note(signal, SignalStatus.WITHDRAWN, "withdrawn by the partner: sent in error")
        elif not signal.reported_open:
            self.note(signal, SignalStatus.NOT_YET,
                      "only its resolve is known so far: waiting for the report that opened it")
        elif shortfall is not None:
            self.note(signal, SignalStatus.BELOW_THRESHOLD, shortfall)
        elif current is not None and current.open_on(signal.signal_date, self.signals, self.policy):
            self.join(current, signal)
        elif closed is not None:
            closed.repeats.append(signal.signal_id)
            self.note(signal, SignalStatus.REPEAT,
                      f"repeat: the same partner reported again within {self.policy.repeat_suppression.describe()}"
                      f" of the case's end on {closed.ends_on(self.signals, self.policy)}; no new letter")
        else:
            self.open_case(signal)

    def join(self, case: Episode, signal: Signal) -> None:
        """An open case takes the signal in. A new category or a crisis escalates it; the same
        partner again is a repeat; another partner of a category it has changes nothing."""
        day = signal.signal_date
        why = None
        if signal.crisis and not case.crisis:
            why = "a crisis signal"
        elif signal.category not in case.categories:
            why = f"new category {signal.category.value}"
        same_partner = signal.partner_id in case.partners
        case.add(signal)
        self.close_if_known(case)
        if why is not None:
            counting = [self.signals[s] for s in case.signal_ids if self.signals[s].open_on(day, self.policy)]
            intensity = more_intense(intensity_of(counting), case.intensity)
            case.intensity, case.action = intensity, self.policy.action_for(intensity)
            case.rule = rule_of(intensity, counting, self.policy)
            case.escalations.append(Escalation(day, signal.signal_id, intensity, case.action,
                                               f"escalated by {why}: {case.rule}"))
            self.note(signal, SignalStatus.PICKED_UP, f"joins the open case and escalates it: {why}")
        elif same_partner:
            self.note(signal, SignalStatus.REPEAT,
                      "repeat: the same partner reported again while the case is open; no new letter")
        else:
            self.note(signal, SignalStatus.PICKED_UP, "joins the open case (a category it has already); no new letter")

    def recently_closed_case_of_partner(self, signal: Signal) -> Episode | None:
        """A closed case that suppresses this signal as a repeat: same partner and category, closed
        less than the suppression period ago. A crisis or a new category is never a repeat."""
        if signal.crisis:
            return None
        for case in reversed(self.episodes):
            ended = case.ends_on(self.signals, self.policy)
            if (signal.partner_id in case.partners and signal.category in case.categories
                    and ended <= signal.signal_date < self.policy.repeat_suppression.after(ended)):
                return case
        return None

    def open_case(self, signal: Signal) -> None:
        # Every intensity has an action (the Wgs: no counting signal is ignored), so a counting
        # signal outside any case always opens one.
        day = signal.signal_date
        intensity = intensity_of([signal])
        rule = rule_of(intensity, [signal], self.policy)
        case = Episode(opened_on=day, signal_ids=[], intensity=intensity, action=self.policy.action_for(intensity),
                       rule=rule)
        case.add(signal)
        self.note(signal, SignalStatus.PICKED_UP, f"opens a case on {day}: {rule}")
        self.close_if_known(case)
        self.episodes.append(case)

    def close_if_known(self, case: Episode) -> None:
        # A case matching announced may have become two episodes after a late signal: both close.
        dates = [c.closed_on for c in self.closures if c.signal_ids.intersection(case.signal_ids)]
        case.closed_on = max(dates) if dates else None
