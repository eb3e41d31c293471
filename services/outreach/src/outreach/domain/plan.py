"""The contact plan: after a letter, what comes next and when, by the case's action and what we know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from vroeg_contracts.events import OutreachAction

from .calendar import due_after, next_working_day_start


class Step(StrEnum):
    FIRST_LETTER = "first_letter"
    CALL = "call"
    VISIT = "visit"
    FOLLOW_UP_LETTER = "follow_up_letter"


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    due_at: datetime


@dataclass(frozen=True)
class ContactRules:
    call_delay: timedelta  # letter -> call (default P7D)
    crisis_delay: timedelta | None  # None: the next working day
    visits_enabled: bool


def contact_step(has_phone: bool, visits_enabled: bool) -> Step:
    """How to follow a letter up: call when there is a phone, else visit, else a second letter."""
    if has_phone:
        return Step.CALL
    return Step.VISIT if visits_enabled else Step.FOLLOW_UP_LETTER


def after_first_letter(action: OutreachAction, sent_at: datetime, has_phone: bool, rules: ContactRules) -> PlannedStep | None:
    if action is OutreachAction.LETTER_ONLY:
        return None
    step = contact_step(has_phone, rules.visits_enabled)
    if action is OutreachAction.URGENT:
        due = (next_working_day_start(sent_at) if rules.crisis_delay is None
               else due_after(sent_at, rules.crisis_delay))
        return PlannedStep(step, due)
    return PlannedStep(step, due_after(sent_at, rules.call_delay))
