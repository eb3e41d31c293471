"""What a decision was taken on, stored with it for the team and auditors (pseudonymous: no contact
details): the trigger, the policy and its version, every signal, the closed cases and the assessment."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from .household import Household
from .model import Assessment, Signal, sort_key
from .policy import PolicyInForce


def decision_inputs(household: Household, in_force: PolicyInForce, assessment: Assessment,
                    trigger: dict[str, str]) -> dict[str, Any]:
    """What a decision was taken on, stored with it for the team and auditors (pseudonymous)."""
    return {
        "trigger": trigger,
        "policy": in_force.summary,
        "policy_version": in_force.version,
        "signals": signal_inputs(household.signals),
        "closed_cases": {str(case): day.isoformat() for case, day in sorted(household.closed.items())},
        "assessment": {str(s): {"status": status.value, "reason": assessment.reasons[s]}
                       for s, status in assessment.statuses.items()},
        "episodes": [{"opened_on": e.opened_on.isoformat(), "intensity": e.intensity.value, "action": e.action.value,
                      "rule": e.rule, "signal_ids": [str(s) for s in e.signal_ids],
                      "closed_on": e.closed_on.isoformat() if e.closed_on else None} for e in assessment.episodes],
    }


def signal_inputs(signals: Mapping[uuid.UUID, Signal]) -> list[dict[str, Any]]:
    """The signals a decision was taken on, as stored with it (pseudonymous: no contact details)."""
    return [
        {"signal_id": str(s.signal_id), "partner_id": s.partner_id, "report_id": s.report_id,
         "category": s.category.value, "amount": str(s.amount) if s.amount is not None else None,
         "arrears_since": s.arrears_since.isoformat(), "signal_date": s.signal_date.isoformat(),
         "crisis": s.crisis, "closed_on": s.closed_on.isoformat() if s.closed_on else None,
         "withdrawn": s.withdrawn, "withdrawn_on": s.withdrawn_on.isoformat() if s.withdrawn_on else None,
         "reported_open": s.reported_open}
        for s in sorted(signals.values(), key=sort_key)
    ]
