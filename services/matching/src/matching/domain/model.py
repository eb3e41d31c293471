"""Signals of a household and the pure assessment of them under a policy.

`assess` depends only on the *set* of signals (each merged from all its reports), never on the order
in which they arrived: signals are replayed in a canonical order (signal date, partner, report id).
That is what makes decisions deterministic and replays harmless.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from vroeg_contracts.events import Intensity
from vroeg_contracts.partner_report import Category, ReportStatus

from .policy import Action, Policy


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

    @property
    def days_in_arrears(self) -> int:
        return (self.signal_date - self.arrears_since).days

    def merge(self, status: ReportStatus, signal_date: date, *, amount: Decimal | None, crisis: bool) -> Signal:
        """Fold another report about this signal in, so that the result is the same whatever order
        the reports come in: closing is final, dates take their minimum, a crisis flag sticks, and
        the amount is the highest reported."""
        amounts = [a for a in (self.amount, amount) if a is not None]
        merged = replace(self, crisis=self.crisis or crisis, amount=max(amounts) if amounts else None,
                         signal_date=min(self.signal_date, signal_date))
        if status is ReportStatus.OPEN:
            return merged
        if status is ReportStatus.WITHDRAWN:
            return replace(merged, withdrawn=True)
        closed = signal_date if self.closed_on is None else min(self.closed_on, signal_date)
        return replace(merged, closed_on=closed)

    def active_on(self, day: date, policy: Policy) -> bool:
        return (self.signal_date <= day and (self.closed_on is None or self.closed_on > day)
                and day - self.signal_date <= policy.window)


def sort_key(signal: Signal) -> tuple[date, str, str]:
    return (signal.signal_date, signal.partner_id, signal.report_id)


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
    escalations: list[tuple[date, Intensity, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        # Stable across re-assessments: the episode's first signal identifies it.
        return str(self.signal_ids[0])

    def open_on(self, day: date, signals: dict[uuid.UUID, Signal], policy: Policy) -> bool:
        return any(signals[s].active_on(day, policy) for s in self.signal_ids)

    def ended_on(self, signals: dict[uuid.UUID, Signal], policy: Policy) -> date:
        """The day the last of its signals stopped counting (closed, or fell out of the window)."""
        ends = []
        for signal_id in self.signal_ids:
            signal = signals[signal_id]
            out_of_window = signal.signal_date + policy.window
            ends.append(min(signal.closed_on, out_of_window) if signal.closed_on else out_of_window)
        return max(ends)


@dataclass
class Assessment:
    episodes: list[Episode]
    statuses: dict[uuid.UUID, SignalStatus]
    reasons: dict[uuid.UUID, str]


_RANK = {Intensity.SINGLE: 0, Intensity.MULTIPLE: 1, Intensity.CRISIS: 2}


def _intensity(signals: list[Signal]) -> Intensity:
    if any(s.crisis for s in signals):
        return Intensity.CRISIS
    if len({s.category for s in signals}) >= 2:
        return Intensity.MULTIPLE
    return Intensity.SINGLE


def _action(policy: Policy, intensity: Intensity) -> Action:
    return {Intensity.SINGLE: policy.single, Intensity.MULTIPLE: policy.multiple, Intensity.CRISIS: policy.crisis}[intensity]


def _rule(intensity: Intensity, signals: list[Signal], policy: Policy) -> str:
    categories = ", ".join(sorted({s.category.value for s in signals}))
    days = policy.window.days
    if intensity is Intensity.CRISIS:
        return f"crisis: a crisis signal is open ({categories}) -> {policy.crisis.value}"
    if intensity is Intensity.MULTIPLE:
        return f"multiple: {len({s.category for s in signals})} categories open within {days} days ({categories}) -> {policy.multiple.value}"
    return f"single: one category open within {days} days ({categories}) -> {policy.single.value}"


def assess(signals: dict[uuid.UUID, Signal], policy: Policy) -> Assessment:
    """Replay a household's signals in canonical order and say what each led to."""
    statuses: dict[uuid.UUID, SignalStatus] = {}
    reasons: dict[uuid.UUID, str] = {}
    episodes: list[Episode] = []
    counting: list[Signal] = []  # above threshold, not withdrawn

    for signal in sorted(signals.values(), key=sort_key):
        day = signal.signal_date
        if signal.withdrawn:
            statuses[signal.signal_id], reasons[signal.signal_id] = SignalStatus.WITHDRAWN, "withdrawn by the partner"
            continue
        threshold = policy.threshold(signal.category)
        exempt = signal.crisis and policy.crisis_bypasses_threshold
        if not exempt and (signal.days_in_arrears < threshold.min_days_in_arrears
                           or (signal.amount is not None and signal.amount < threshold.min_amount)):
            statuses[signal.signal_id] = SignalStatus.BELOW_THRESHOLD
            reasons[signal.signal_id] = (f"below threshold: {signal.days_in_arrears} days in arrears, amount {signal.amount};"
                                         f" needs {threshold.min_days_in_arrears} days and {threshold.min_amount}")
            continue
        if not signal.active_on(day, policy):
            statuses[signal.signal_id] = SignalStatus.OTHER_REASON
            reasons[signal.signal_id] = "resolved before it could be picked up"
            continue
        counting.append(signal)
        current = episodes[-1] if episodes else None

        if current is not None and current.open_on(day, signals, policy):
            new_category = signal.category not in current.categories
            new_crisis = signal.crisis and not current.crisis
            current.signal_ids.append(signal.signal_id)
            why = "crisis signal" if new_crisis else f"new category {signal.category.value}"
            if new_category or new_crisis:
                members = [signals[s] for s in current.signal_ids if signals[s].active_on(day, policy)]
                intensity = max(_intensity(members), current.intensity, key=_RANK.__getitem__)
                current.categories.add(signal.category)
                current.partners.add(signal.partner_id)
                current.crisis = current.crisis or signal.crisis
                if intensity is not current.intensity or new_category:
                    current.escalations.append((day, intensity, f"escalated: {why} -> {_action(policy, intensity).value}"))
                    current.intensity, current.action = intensity, _action(policy, intensity)
                    current.rule = _rule(intensity, members, policy)
                statuses[signal.signal_id], reasons[signal.signal_id] = SignalStatus.PICKED_UP, f"joins the open case: {why}"
            elif signal.partner_id in current.partners:
                statuses[signal.signal_id] = SignalStatus.REPEAT
                reasons[signal.signal_id] = "repeat: the same partner reported again while the case is open"
            else:
                current.partners.add(signal.partner_id)
                statuses[signal.signal_id], reasons[signal.signal_id] = SignalStatus.PICKED_UP, "joins the open case"
            continue

        if (current is not None and not signal.crisis and signal.partner_id in current.partners
                and signal.category in current.categories
                and day - current.ended_on(signals, policy) < policy.repeat_suppression):
            statuses[signal.signal_id] = SignalStatus.REPEAT
            reasons[signal.signal_id] = (f"repeat: the same partner reported within {policy.repeat_suppression.days}"
                                         " days of the case's close")
            continue

        in_case = {s for e in episodes for s in e.signal_ids}
        active = [s for s in counting if s.active_on(day, policy) and s.signal_id not in in_case]
        intensity = _intensity(active)
        action = _action(policy, intensity)
        if action is Action.IGNORE:
            statuses[signal.signal_id] = SignalStatus.NOT_YET
            reasons[signal.signal_id] = f"{intensity.value}: the policy ignores this on its own; waiting for more signals"
            continue
        episode = Episode(opened_on=day, signal_ids=[s.signal_id for s in active], intensity=intensity, action=action,
                          rule=_rule(intensity, active, policy), categories={s.category for s in active},
                          partners={s.partner_id for s in active}, crisis=any(s.crisis for s in active))
        episodes.append(episode)
        for member in active:
            statuses[member.signal_id] = SignalStatus.PICKED_UP
            reasons[member.signal_id] = f"opens a case: {episode.rule}"

    # Signals left waiting under an `ignore` policy that never joined a case are not picked up.
    for signal_id, status in statuses.items():
        if status is SignalStatus.NOT_YET and not signals[signal_id].active_on(max(s.signal_date for s in signals.values()), policy):
            statuses[signal_id] = SignalStatus.OTHER_REASON
    return Assessment(episodes, statuses, reasons)
