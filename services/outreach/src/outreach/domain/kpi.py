"""The KPI summary next to the DDAS delivery, in the spirit of the Divosa monitor: signals, cases,
contact attempts, reach rate and help accepted, in total and per signal-partner type."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .ddas import CaseRecord, PeriodRecords, delivered_signals
from .ddas_lists import HELP_OUTCOMES, IN_A_CASE


@dataclass(frozen=True)
class Figures:
    signals: int
    signals_not_picked_up: int
    cases: int
    cases_reached: int
    help_accepted: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "signals": self.signals,
            "signals_not_picked_up": self.signals_not_picked_up,
            "cases": self.cases,
            "cases_reached": self.cases_reached,
            "reach_rate": _rate(self.cases_reached, self.cases),
            "help_accepted": self.help_accepted,
            "help_rate": _rate(self.help_accepted, self.cases),
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def reached(case: CaseRecord) -> bool:
    return any(a.reached for a in case.attempts)


def helped(case: CaseRecord) -> bool:
    return case.outcome in HELP_OUTCOMES


def summary(records: PeriodRecords) -> dict[str, Any]:
    """Reach rate: cases in which the resident was reached at least once, of all cases. Help
    accepted: cases that ended in advice, a quick fix or further help (`HELP_OUTCOMES`)."""
    signals = delivered_signals(records)
    by_id = {s.signal_id: s for s in signals}
    attempts = [a for c in records.cases for a in c.attempts]

    def figures(partner_type: str | None) -> Figures:
        chosen = [s for s in signals if partner_type is None or s.partner_type == partner_type]
        cases = [c for c in records.cases if partner_type is None
                 or any(by_id[i].partner_type == partner_type for i in c.signal_ids if i in by_id)]
        return Figures(signals=len(chosen), signals_not_picked_up=sum(1 for s in chosen if s.status != IN_A_CASE),
                       cases=len(cases), cases_reached=sum(1 for c in cases if reached(c)),
                       help_accepted=sum(1 for c in cases if helped(c)))

    return {
        "total": {
            **figures(None).as_dict(),
            "cases_closed": sum(1 for c in records.cases if c.outcome is not None),
            "contact_attempts": len(attempts),
            "contact_attempts_reached": sum(1 for a in attempts if a.reached),
        },
        "signals_by_status": dict(sorted(Counter(s.status for s in signals).items())),
        "cases_by_outcome": dict(sorted(Counter(c.outcome or "open" for c in records.cases).items())),
        "contact_attempts_by_kind": dict(sorted(Counter(a.kind for a in attempts).items())),
        "per_partner_type": {t: figures(t).as_dict() for t in sorted({s.partner_type for s in signals})},
    }
