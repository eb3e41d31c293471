"""The history command's text: outcome, rule, policy version, what triggered it and each signal's status."""

import uuid
from datetime import UTC, datetime

from matching.domain.history import DecisionRecord, HouseholdHistory, render


def history_of(policy_version: str | None) -> HouseholdHistory:
    signal_id = str(uuid.UUID(int=1))
    inputs = {"trigger": {"signal_id": signal_id, "report_status": "open"}, "policy": {"name": "Ouder-Amstel (default)"},
              "signals": [{"signal_id": signal_id, "partner_id": "eigen-haard", "category": "rent", "amount": "250.00",
                           "arrears_since": "2026-04-01", "signal_date": "2026-06-01", "crisis": False,
                           "closed_on": None, "withdrawn": False}],
              "assessment": {signal_id: {"status": "Opgepakt", "reason": "opens a case"}},
              "closed_cases": {str(uuid.UUID(int=7)): "2026-07-01"}}
    return HouseholdHistory("abc", "0437", [DecisionRecord(
        decision_id=uuid.UUID(int=2), decided_at=datetime(2026, 6, 1, 9, tzinfo=UTC), outcome="HouseholdAtRisk",
        rule="single: one category open within 90 days (rent) -> letter_only", policy_version=policy_version,
        episode_id=uuid.UUID(int=3), signal_id=None, event_id=uuid.UUID(int=4), cause_event_id=uuid.UUID(int=5),
        inputs=inputs)])


def test_renders_each_decision_with_its_rule_policy_version_trigger_and_signals():
    signal_id = str(uuid.UUID(int=1))
    text = render(history_of("0437:0123456789ab"))
    assert "Household abc (municipality 0437): 1 decisions" in text
    assert "2026-06-01 09:00:00 UTC  HouseholdAtRisk" in text
    assert "rule:     single: one category open within 90 days (rent) -> letter_only" in text
    assert "policy:   Ouder-Amstel (default), version 0437:0123456789ab" in text
    assert f"because:  the open report about signal {signal_id}" in text
    assert "2026-06-01  eigen-haard (rent), in arrears since 2026-04-01, EUR 250.00  -> Opgepakt  <- this report" in text
    assert f"case {uuid.UUID(int=7)} closed by outreach on 2026-07-01" in text


def test_a_decision_from_before_policy_versions_says_so():
    assert "policy:   Ouder-Amstel (default), version (not recorded)" in render(history_of(None))


def test_an_end_of_signals_is_rendered_with_its_rule_and_the_withdrawal_date():
    signal_id = str(uuid.UUID(int=1))
    inputs = {"trigger": {"signal_id": signal_id, "report_status": "withdrawn"}, "policy": {"name": "Ouder-Amstel"},
              "signals": [{"signal_id": signal_id, "partner_id": "eigen-haard", "category": "rent", "amount": "250.00",
                           "arrears_since": "2026-04-01", "signal_date": "2026-06-01", "crisis": False,
                           "closed_on": None, "withdrawn": True, "withdrawn_on": "2026-06-05"}],
              "assessment": {signal_id: {"status": "Ingetrokken", "reason": "withdrawn by the partner: sent in error"}}}
    rule = ("signals of the case ended: withdrawn by eigen-haard (report r1) on 2026-06-05; it rests on no open signal"
            " and closes with 'Niet opgepakt: onterecht signaal'")
    text = render(HouseholdHistory("abc", "0437", [DecisionRecord(
        decision_id=uuid.UUID(int=2), decided_at=datetime(2026, 6, 5, 9, tzinfo=UTC), outcome="CaseBasisChanged",
        rule=rule, policy_version="0437:0123456789ab", episode_id=uuid.UUID(int=3), signal_id=None,
        event_id=uuid.UUID(int=4), cause_event_id=uuid.UUID(int=5), inputs=inputs)]))
    assert "2026-06-05 09:00:00 UTC  CaseBasisChanged" in text and f"rule:     {rule}" in text
    assert f"because:  the withdrawn report about signal {signal_id}" in text
    assert "EUR 250.00 withdrawn 2026-06-05  -> Ingetrokken  <- this report" in text
