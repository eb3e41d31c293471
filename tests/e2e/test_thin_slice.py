"""The thin slice on the real broker: partner report -> ArrearsReported -> HouseholdAtRisk ->
LetterSent -> CallDue, across four service processes."""

from collections import Counter

from vroeg_devtools import bus

from .conftest import _of


def test_every_valid_report_is_reported_once(slice_run):
    report_ids = [body["report_id"] for _, body in slice_run.reports]
    events = [e for e in bus.events(slice_run.records["accepted"]) if e["payload"]["report_id"] in report_ids]
    assert Counter(e["payload"]["report_id"] for e in {e["event_id"]: e for e in events}.values()) == Counter(report_ids)
    households = {e["payload"]["report_id"]: e["household_key"] for e in events}
    assert households[report_ids[0]] == households[report_ids[1]]  # one household, two partners
    assert len(set(households.values())) == 3


def test_a_bad_report_is_returned_with_the_field_named(slice_run):
    rejection = next(r.json() for r in slice_run.records["rejections"]
                     if r.json()["report_id"] == slice_run.bad_report["report_id"])
    assert [reason["field"] for reason in rejection["reasons"]] == ["client.postcode"]


def test_the_policy_decides_intensity_and_action(slice_run):
    households = {e["payload"]["report_id"]: e["household_key"] for e in bus.events(slice_run.records["accepted"])}
    multi, _, lone, crisis = (households[body["report_id"]] for _, body in slice_run.reports)
    decisions = slice_run.records["decisions"]
    at_risk = {e["household_key"]: e["payload"] for e in bus.events(decisions, "HouseholdAtRisk")}
    assert at_risk[crisis]["intensity"] == "crisis" and at_risk[crisis]["action"] == "urgent"
    assert at_risk[lone]["action"] == "letter_only"
    intensities = {e["payload"]["intensity"] for e in bus.events(decisions, "HouseholdAtRisk", "HouseholdRiskEscalated")
                   if e["household_key"] == multi}
    assert "multiple" in intensities


def test_letters_then_calls(slice_run):
    decisions, case_events = slice_run.records["decisions"], slice_run.records["case_events"]
    households = {e["payload"]["report_id"]: e["household_key"] for e in bus.events(slice_run.records["accepted"])}
    case_of = {e["household_key"]: e["payload"]["episode_id"] for e in bus.events(decisions, "HouseholdAtRisk")}
    multi, _, lone, crisis = (case_of[households[body["report_id"]]] for _, body in slice_run.reports)
    for case in (multi, lone, crisis):
        assert len({e["event_id"] for e in _of(case_events, "LetterSent", case_id=case, letter_kind="first")}) == 1
    letter = _of(case_events, "LetterSent", case_id=multi)[0]
    call = _of(case_events, "CallDue", case_id=multi)[0]
    assert call["occurred_at"] > letter["occurred_at"]
    assert call["correlation_id"] == letter["correlation_id"]  # one correlation id from report to call
    assert not _of(case_events, "CallDue", case_id=lone)  # a single signal gets a letter only
