"""A household's decision history, as the team and auditors read it: every decision, oldest first,
with its rule, the version of the policy that made it and the inputs it was taken on; and its text
for a terminal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DecisionRecord:
    decision_id: uuid.UUID
    decided_at: datetime
    outcome: str
    rule: str
    policy_version: str | None  # None for decisions taken before versions were recorded
    episode_id: uuid.UUID | None
    signal_id: uuid.UUID | None
    event_id: uuid.UUID | None
    cause_event_id: uuid.UUID
    inputs: dict[str, Any]


@dataclass(frozen=True)
class HouseholdHistory:
    household_key: str
    municipality_code: str
    decisions: list[DecisionRecord]


def render(history: HouseholdHistory) -> str:
    lines = [f"Household {history.household_key} (municipality {history.municipality_code}):"
             f" {len(history.decisions)} decisions, oldest first", ""]
    for decision in history.decisions:
        lines += _decision_lines(decision) + [""]
    return "\n".join(lines).rstrip()


def _decision_lines(decision: DecisionRecord) -> list[str]:
    inputs = decision.inputs
    lines = [f"{decision.decided_at:%Y-%m-%d %H:%M:%S %Z}  {decision.outcome}",
             f"    rule:     {decision.rule}",
             f"    because:  {_trigger(inputs.get('trigger', {}))}",
             f"    policy:   {inputs.get('policy', {}).get('name', '?')},"
             f" version {decision.policy_version or '(not recorded)'}"]
    if decision.episode_id:
        lines.append(f"    case:     {decision.episode_id}")
    assessed = inputs.get("assessment", {})
    lines.append("    signals:")
    for s in inputs.get("signals", []):
        state = (" crisis" if s["crisis"] else "") + (f" resolved {s['closed_on']}" if s["closed_on"] else "") + \
                (" withdrawn" if s["withdrawn"] else "") + \
                (f" {s['withdrawn_on']}" if s["withdrawn"] and s.get("withdrawn_on") else "")
        lines.append(f"      {s['signal_date']}  {s['partner_id']} ({s['category']}), in arrears since"
                     f" {s['arrears_since']}, EUR {s['amount']}{state}"
                     f"  -> {assessed.get(s['signal_id'], {}).get('status', '?')}"
                     f"{'  <- this report' if s['signal_id'] == inputs.get('trigger', {}).get('signal_id') else ''}")
    for case, closed_on in inputs.get("closed_cases", {}).items():
        lines.append(f"    case {case} closed by outreach on {closed_on}")
    return lines


def _trigger(trigger: dict[str, str]) -> str:
    if "case_closed" in trigger:
        return f"outreach closed case {trigger['case_closed']} on {trigger['closed_on']}"
    return f"the {trigger.get('report_status', '?')} report about signal {trigger.get('signal_id', '?')}"
