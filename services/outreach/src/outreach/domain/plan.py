"""The contact plan: after a letter, what comes next and when, by the case's action and what we know;
after an unreached call or visit, when to try again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from vroeg_contracts.events import OutreachAction

from .calendar import (
    AMSTERDAM,
    NOTHING_CLOSED,
    WORK_STARTS,
    due_after,
    next_day_part,
    next_working_day_start,
    on_or_after_working_day,
)
from .ddas_lists import DayPart


class Step(StrEnum):
    FIRST_LETTER = "first_letter"
    CALL = "call"
    VISIT = "visit"
    FOLLOW_UP_LETTER = "follow_up_letter"


# The steps that try to reach the resident after the first letter; once reached, they are not needed.
CONTACT_STEPS = (Step.CALL, Step.VISIT, Step.FOLLOW_UP_LETTER)


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    due_at: datetime


@dataclass(frozen=True)
class ContactRules:
    call_delay: timedelta  # letter -> call (default P7D)
    crisis_delay: timedelta | None  # None: the next working day
    visits_enabled: bool
    retry_delay: timedelta = timedelta(days=1)  # unreached call or visit -> the next try
    closed_days: frozenset[date] = NOTHING_CLOSED  # the municipality's team does not work these days


def contact_step(has_phone: bool, visits_enabled: bool) -> Step:
    """How to follow a letter up: call when there is a phone, else visit, else a second letter."""
    if has_phone:
        return Step.CALL
    return Step.VISIT if visits_enabled else Step.FOLLOW_UP_LETTER


def after_first_letter(action: OutreachAction, sent_at: datetime, has_phone: bool,
                       rules: ContactRules) -> PlannedStep | None:
    if action is OutreachAction.LETTER_ONLY:
        return None
    step = contact_step(has_phone, rules.visits_enabled)
    if action is OutreachAction.URGENT:
        due = (next_working_day_start(sent_at, rules.closed_days) if rules.crisis_delay is None
               else due_after(sent_at, rules.crisis_delay, rules.closed_days))
        return PlannedStep(step, due)
    return PlannedStep(step, due_after(sent_at, rules.call_delay, rules.closed_days))


def after_escalation(action: OutreachAction, letter_sent_at: datetime, has_phone: bool, rules: ContactRules,
                     now: datetime) -> PlannedStep | None:
    """An escalation after the first letter plans what its new action would have planned after that
    letter, but never in the past: a crisis found late is contacted now, not a week after the letter."""
    planned = after_first_letter(action, letter_sent_at, has_phone, rules)
    if planned is None:
        return None
    return PlannedStep(planned.step, max(planned.due_at, now))


# Which step follows up an unreached attempt of each kind; other kinds (a mail, a card) plan nothing.
RETRIED_KINDS: dict[str, Step] = {"Telefoon": Step.CALL, "Huisbezoek": Step.VISIT}


def retry_after_unreached(kind: str, attempted_on: date, day_part: DayPart | None, now: datetime,
                          rules: ContactRules) -> PlannedStep | None:
    """The next try after an unreached call or visit: a working day later, at another time of day
    (someone who works mornings may be home in the evening). Short delays (tests) are literal."""
    step = RETRIED_KINDS.get(kind)
    if step is None:
        return None
    if step is Step.VISIT and not rules.visits_enabled:
        step = Step.FOLLOW_UP_LETTER
    if rules.retry_delay < timedelta(days=1):
        return PlannedStep(step, now + rules.retry_delay)
    # Counted from the attempt, but never before tomorrow: an attempt may be registered days late.
    base = max(attempted_on, now.astimezone(AMSTERDAM).date())
    day = on_or_after_working_day(base + timedelta(days=rules.retry_delay.days), rules.closed_days)
    return PlannedStep(step, datetime.combine(day, WORK_STARTS[next_day_part(day_part)], tzinfo=AMSTERDAM))
