"""One run of the thin slice, shared by the e2e test modules that check its events, traces and logs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from vroeg_contracts import topics
from vroeg_devtools import bus
from vroeg_devtools.pytest_plugin import Residents
from vroeg_devtools.stack import Stack


@dataclass
class SliceRun:
    reports: list[tuple[str, dict[str, Any]]]
    bad_report: dict[str, Any]
    clients: dict[str, dict[str, Any]]
    records: dict[str, list[bus.Record]]
    trace_dir: Path
    log_paths: list[Path]


def _of(records, event_type, **payload):
    return [e for e in bus.events(records, event_type) if all(e["payload"].get(k) == v for k, v in payload.items())]


@pytest.fixture(scope="session")
async def slice_run(platform, tmp_path_factory) -> SliceRun:
    """Four services as processes: two partners report one household (multiple), one household
    without a phone (single), one crisis, and one bad report. Waits until letters and calls are out,
    then stops the services so every span and log line is flushed."""
    base = tmp_path_factory.mktemp("slice")
    residents = Residents()
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(base / "letters"), "OUTREACH_CALL_DELAY": "PT3S",
                       "OUTREACH_CRISIS_DELAY": "PT2S", "VROEG_JSON_LOGS": "true",
                       "VROEG_TRACE_DIR": str(base / "traces")}, skip_history=True)
    clients = {"multi": residents.client(phone=True), "lone": residents.client(phone=False),
               "crisis": residents.client(phone=True)}
    reports = [
        ("eigen-haard", residents.report("eigen-haard", "rent", clients["multi"], days_ago=3)),
        ("vgz", residents.report("vgz", "health_insurance", clients["multi"], days_ago=2)),
        ("waternet", residents.report("waternet", "water", clients["lone"])),
        ("eigen-haard", residents.report("eigen-haard", "rent", clients["crisis"], crisis=True)),
    ]
    bad = residents.report("waternet", "water", residents.client(), report_id=f"bad-{residents.run}")
    bad["client"]["postcode"] = "0000 XX"
    try:
        stack.start()
        await bus.send_reports([*reports, ("waternet", bad)])
        report_ids = {body["report_id"] for _, body in reports}
        accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=90, until=lambda rs: report_ids <= {
            e["payload"]["report_id"] for e in bus.events(rs)})
        households = {e["payload"]["report_id"]: e["household_key"] for e in bus.events(accepted)}
        keys = {households[body["report_id"]] for _, body in reports}

        def cases(records):
            return {e["household_key"]: e["payload"]["episode_id"] for e in bus.events(records, "HouseholdAtRisk")
                    if e["household_key"] in keys}

        multi_key = households[reports[0][1]["report_id"]]
        # Wait for the multi household's escalation too: its second report may be matched after
        # the first opened a single case.
        decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=90, until=lambda rs: len(cases(rs)) == 3 and any(
            e["household_key"] == multi_key and e["payload"]["intensity"] == "multiple"
            for e in bus.events(rs, "HouseholdAtRisk", "HouseholdRiskEscalated")))
        case_ids = cases(decisions)
        multi_case = case_ids[households[reports[0][1]["report_id"]]]
        crisis_case = case_ids[households[reports[3][1]["report_id"]]]
        lone_case = case_ids[households[reports[2][1]["report_id"]]]
        case_events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=90, until=lambda rs: (
            _of(rs, "CallDue", case_id=multi_case) and _of(rs, "CallDue", case_id=crisis_case)
            and _of(rs, "LetterSent", case_id=lone_case)))
        rejections = await bus.read_topic(topics.partner_rejections("waternet"), timeout=60,
                                          until=lambda rs: any(r.json()["report_id"] == bad["report_id"] for r in rs))
        # The team refers the multi household to debt help: outreach asks consent, consent decides.
        outcome = httpx.post(f"{stack['outreach'].url}/v1/cases/{multi_case}/outcome", timeout=30,
                             headers={"Authorization": "Bearer dev-caseworker-token"},
                             json={"outcome": "Vervolghulp en/of verwijzing financieel",
                                   "referral": {"recipient": "schuldhulp-amstelland", "purpose": "schuldhulpverlening",
                                                "data_categories": ["name", "phone", "arrears"]}})
        assert outcome.status_code < 300, outcome.text
        multi_correlation = _of(case_events, "LetterSent", case_id=multi_case)[0]["correlation_id"]
        share_decisions = await bus.read_topic(topics.DATA_SHARE_DECIDED, timeout=60, until=lambda rs: any(
            e["correlation_id"] == multi_correlation for e in bus.events(rs, "DataShareGranted", "DataShareDenied")))
    finally:
        stack.stop()
    log_paths = [s.log_path for s in stack.services.values() if s.log_path]
    return SliceRun(reports, bad, clients, {"accepted": accepted, "decisions": decisions, "case_events": case_events,
                                            "rejections": rejections, "share_decisions": share_decisions},
                    base / "traces", log_paths)


def personal_values(clients: list[dict[str, Any]]) -> set[str]:
    """Every personal value of the test residents, in the forms it could leak in."""
    values: set[str] = set()
    for client in clients:
        values |= {client["surname"], client["street"], client["bsn"], client["email"],
                   client["postcode"], client["postcode"].replace(" ", "")}
        if "phone" in client:
            values |= {client["phone"], client["phone"].lstrip("+"), "0" + client["phone"][3:]}
    return values
