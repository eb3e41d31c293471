"""A signal's end reaches the case it opened (issue 22, ADR 0015), with intake, matching and outreach
running as processes. Three households, each after its first letter went out:

- withdrawn: its only signal is withdrawn (sent in error). The case closes as "Niet opgepakt:
  onterecht signaal"; another partner's later report opens a new case only after that one closed.
- resolved: its only signal is resolved (paid). The case closes as "Inwoner heeft zelf al
  betaald/betalingsregeling getroffen"; a later report opens a new case after it.
- crisis: two insurers report it, one withdraws; the case goes on on the other, and a later crisis
  escalates that same case: one case, one first letter.

A household never has two open cases, no case gets a second first letter, and the DDAS delivery
shows each signal's status as its last report says."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator, FormatChecker

from vroeg_contracts import topics
from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_devtools import bus
from vroeg_devtools.pytest_plugin import service_pool

OFFICIAL_SCHEMA = Path(__file__).resolve().parents[2].parent / "shared/ddas/v1.2/json_schema_Uitwisselmodel.json"
SUPERVISOR = {"Authorization": "Bearer dev-supervisor-token"}
WRONG = "Niet opgepakt: onterecht signaal"
PAID = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"


def of(records: list[bus.Record], event_type: str, **payload: Any) -> list[dict[str, Any]]:
    return [e for e in bus.events(records, event_type) if all(e["payload"].get(k) == v for k, v in payload.items())]


def ended(report: dict[str, Any], status: str) -> dict[str, Any]:
    """The partner's later report about the same debt: the same report id, a new status, dated two
    days ago (after the first reports, before the later ones)."""
    return {**report, "arrears": {**report["arrears"], "status": status,
                                  "signal_date": (today_in_amsterdam() - timedelta(days=2)).isoformat()}}


async def test_a_signals_end_reaches_its_case_and_a_household_never_has_two_open_cases(stack, residents, platform):
    stack.start(("intake", "matching", "outreach"))
    clients = {name: residents.client() for name in ("withdrawn", "resolved", "crisis")}
    first = {
        "withdrawn": [residents.report("eigen-haard", "rent", clients["withdrawn"], days_ago=5)],
        "resolved": [residents.report("waternet", "water", clients["resolved"], days_ago=5)],
        "crisis": [residents.report("vgz", "health_insurance", clients["crisis"], days_ago=5),
                   residents.report("zilveren-kruis", "health_insurance", clients["crisis"], days_ago=4)],
    }
    ends = {"withdrawn": ended(first["withdrawn"][0], "withdrawn"), "resolved": ended(first["resolved"][0], "resolved"),
            "crisis": ended(first["crisis"][0], "withdrawn")}
    later = {"withdrawn": residents.report("vgz", "health_insurance", clients["withdrawn"], days_ago=0),
             "resolved": residents.report("vgz", "health_insurance", clients["resolved"], days_ago=0),
             "crisis": residents.report("eigen-haard", "rent", clients["crisis"], days_ago=0, crisis=True)}
    sent = [r for rs in first.values() for r in rs] + list(later.values())

    # 1. The first reports open a case each, and its first letter goes out.
    await bus.send_reports([(r["partner_id"], r) for rs in first.values() for r in rs])
    ids = {r["report_id"] for rs in first.values() for r in rs}
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=120, until=lambda rs: ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    household = {name: next(e["household_key"] for e in bus.events(accepted)
                            if e["payload"]["report_id"] == first[name][0]["report_id"]) for name in first}
    ours = set(household.values())

    def opened(records: list[bus.Record]) -> dict[str, list[str]]:
        cases: dict[str, list[str]] = {}
        for e in bus.events(records, "HouseholdAtRisk"):
            if e["household_key"] in ours:
                cases.setdefault(e["household_key"], []).append(e["payload"]["episode_id"])
        return cases

    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120,
                                     until=lambda rs: len(opened(rs)) == len(household))
    case = {name: opened(decisions)[household[name]][0] for name in household}
    await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: all(
        of(rs, "LetterSent", case_id=case[name], letter_kind="first") for name in case))

    # 2. The partners end the first signals: two cases rest on nothing and close, one goes on.
    await bus.send_reports([(r["partner_id"], r) for r in ends.values()])
    case_events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: (
        of(rs, "CaseClosed", case_id=case["withdrawn"]) and of(rs, "CaseClosed", case_id=case["resolved"])))
    assert of(case_events, "CaseClosed", case_id=case["withdrawn"])[0]["payload"]["outcome"] == WRONG
    assert of(case_events, "CaseClosed", case_id=case["resolved"])[0]["payload"]["outcome"] == PAID
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120, until=lambda rs: all(
        of(rs, "CaseBasisChanged", episode_id=case[name]) for name in case))
    basis = {name: of(decisions, "CaseBasisChanged", episode_id=case[name]) for name in case}
    assert [b["payload"]["closes_with"] for b in basis["withdrawn"]] == [WRONG]
    assert [b["payload"]["closes_with"] for b in basis["resolved"]] == [PAID]
    (partly,) = basis["crisis"]
    assert partly["payload"]["closes_with"] is None and len(partly["payload"]["remaining"]) == 1
    assert [s["ended"] for s in partly["payload"]["ended"]] == ["withdrawn"]

    # 3. Later reports: a new case after a closed one; the crisis escalates the case still open.
    await bus.send_reports([(r["partner_id"], r) for r in later.values()])
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120, until=lambda rs: (
        len(opened(rs).get(household["withdrawn"], [])) == 2 and len(opened(rs).get(household["resolved"], [])) == 2
        and of(rs, "HouseholdRiskEscalated", episode_id=case["crisis"], intensity="crisis")))
    assert len(opened(decisions)[household["crisis"]]) == 1
    new_case = {name: opened(decisions)[household[name]][1] for name in ("withdrawn", "resolved")}
    assert all(new_case[name] != case[name] for name in new_case)
    case_events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: (
        all(of(rs, "LetterSent", case_id=new_case[name], letter_kind="first") for name in new_case)
        and of(rs, "CallDue", case_id=case["crisis"])))
    every_case = [*case.values(), *new_case.values()]
    assert {c: len(of(case_events, "LetterSent", case_id=c, letter_kind="first")) for c in every_case} == {
        c: 1 for c in every_case}

    # Outreach's own record: never two open cases of one household at a time.
    outreach = await service_pool(platform, "outreach")
    try:
        rows = await outreach.fetch("SELECT household_key, case_id, opened_at, closed_at, status, outcome FROM cases"
                                    " WHERE household_key = ANY($1::text[]) ORDER BY opened_at", list(ours))
    finally:
        await outreach.close()
    for key in ours:
        spans = [(r["opened_at"], r["closed_at"] or datetime.max.replace(tzinfo=r["opened_at"].tzinfo))
                 for r in rows if r["household_key"] == key]
        assert all(earlier[1] <= later_[0] for earlier, later_ in zip(spans, spans[1:])), (key, spans)
    assert [(r["status"], r["outcome"]) for r in rows if r["household_key"] == household["crisis"]] == [("open", None)]

    # The DDAS delivery: each signal's status as its last report says, each case's outcome.
    signal_of = {e["payload"]["report_id"]: e["payload"]["signal_id"] for e in bus.events(
        await bus.read_topic(topics.ARREARS_REPORTED, timeout=60, until=lambda rs: {r["report_id"] for r in sent} <= {
            e["payload"]["report_id"] for e in bus.events(rs)}))}
    today = today_in_amsterdam().isoformat()
    async with httpx.AsyncClient(base_url=stack["outreach"].url, timeout=60) as api:
        response = await api.get(f"/v1/ddas?from={today}&to={today}&municipality=0437", headers=SUPERVISOR)
    assert response.status_code == 200, response.text
    document = response.json()
    validator = Draft202012Validator(json.loads(OFFICIAL_SCHEMA.read_text()), format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(document)] == []
    (levering,) = document["leveringen"]
    status = {s["ID"]: s["status"] for s in levering["vroegsignalen"]}
    assert {name: status[signal_of[first[name][0]["report_id"]]] for name in first} == {
        "withdrawn": WRONG, "resolved": "Opgepakt", "crisis": WRONG}
    assert status[signal_of[first["crisis"][1]["report_id"]]] == "Opgepakt"
    assert {name: status[signal_of[later[name]["report_id"]]] for name in later} == {
        "withdrawn": "Opgepakt", "resolved": "Opgepakt", "crisis": "Opgepakt"}
    # A case (zaak) has no id of its own in DDAS: it is found by the signals it rests on.
    def zaken_of(report: dict[str, Any]) -> list[dict[str, Any]]:
        return [z for z in levering["vroegsignaalzaken"]
                if signal_of[report["report_id"]] in {s["ID"] for s in z["vroegsignalen"]}]

    outcome = {name: [z.get("resultaat") for z in zaken_of(first[name][0])] for name in first}
    assert outcome == {"withdrawn": [WRONG], "resolved": [PAID], "crisis": [None]}
    assert [z.get("resultaat") for name in ("withdrawn", "resolved") for z in zaken_of(later[name])] == [None, None]
    (crisis_zaak,) = zaken_of(later["crisis"])
    assert {s["ID"] for s in crisis_zaak["vroegsignalen"]} == {
        signal_of[r["report_id"]] for r in [*first["crisis"], later["crisis"]]}
    # The letter sent on a signal that was withdrawn happened: it stays a contact attempt.
    assert [p["soort"] for z in zaken_of(first["withdrawn"][0]) for p in z["contactpogingen"]] == ["Brief"]
