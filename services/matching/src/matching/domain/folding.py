"""Folding a report into its signal (ADR 0003): the same signal whatever order its reports come in."""

from __future__ import annotations

from dataclasses import replace

from vroeg_contracts.events import ArrearsReported

from .model import Signal


def fold(existing: Signal | None, event: ArrearsReported) -> Signal:
    """The signal with this report folded in (ADR 0003: the same whatever order reports come in)."""
    fields = {"amount": event.amount, "crisis": event.crisis, "arrears_since": event.arrears_since}
    if existing is None:
        folded = Signal.first_report(signal_id=event.signal_id, partner_id=event.partner_id, report_id=event.report_id,
                                     category=event.category, status=event.status, signal_date=event.signal_date,
                                     **fields)
    else:
        folded = existing.merge(event.status, event.signal_date, **fields)
    # Like the crisis flag, a warm hand-over sticks; the person pseudonym is the one first known.
    return replace(folded, person_key=folded.person_key or event.person_key,
                   warm_handover=folded.warm_handover or event.warm_handover)
