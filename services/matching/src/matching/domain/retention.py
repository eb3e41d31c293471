"""When matching may forget a household: the design's retention rule, as a pure function."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from vroeg_contracts.partner_report import AMSTERDAM

from .durations import Period
from .model import Signal
from .policy import Policy


def may_forget(signals: Iterable[Signal], policy: Policy, *, last_event_at: datetime, now: datetime,
               retention: Period) -> bool:
    """True when no signal is open today and the household's last event is older than `retention`
    (the design: data that led to no help is deleted 6 months after the last event)."""
    today = now.astimezone(AMSTERDAM).date()
    return retention.after(last_event_at) <= now and not any(s.open_on(today, policy) for s in signals)
