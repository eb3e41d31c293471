"""After a run through intake, matching and outreach, CBS pulls the delivery through the pull API as it
would (mutual TLS, a signed request, a token from the development issuer): the answer's digest and
signature verify, it validates against the official DDAS v1.2 schema, and it holds what was sent:
every signal intake accepted (those not picked up too, with only the client v1.2 asks for) and one
case per household at risk, a second insurer of the same kind joining an open case included (ADR
0014). And the contact that lets outreach deliver a signal not picked up travelled sealed."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from vroeg_contracts import topics
from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_devtools import bus
from vroeg_devtools.cbs_client import Pulled, pull
from vroeg_devtools.stack import free_port

from .conftest import personal_values


def of(records: list[bus.Record], event_type: str, **payload: Any) -> list[dict[str, Any]]:
    return [e for e in bus.events(records, event_type) if all(e["payload"].get(k) == v for k, v in payload.items())]


async def test_a_delivery_pulled_after_a_run_validates_and_holds_what_was_sent(stack, residents, platform):
    port = free_port()
    cbs_dir = platform.keys_dir / "cbs"  # made by deploy/local/isolated.sh
    stack.overrides["outreach"] = {"OUTREACH_CBS_DIR": str(cbs_dir), "OUTREACH_CBS_PORT": str(port),
                                   "OUTREACH_CBS_ENABLED": "true"}
    stack.start(("intake", "matching", "outreach"))
    no_bsn = residents.client(phone=False)
    del no_bsn["bsn"]
    clients = {"two": residents.client(), "one": residents.client(phone=False), "below": residents.client(),
               "below_no_bsn": no_bsn, "same_kind": residents.client()}
    reports = {
        "two": [residents.report("eigen-haard", "rent", clients["two"], days_ago=3),
                residents.report("vgz", "health_insurance", clients["two"], days_ago=2)],
        "one": [residents.report("waternet", "water", clients["one"])],
        "below": [residents.report("waternet", "water", clients["below"], days_in_arrears=10)],
        "below_no_bsn": [residents.report("waternet", "water", clients["below_no_bsn"], days_in_arrears=10)],
        # Two health insurers: the second, sent once the first has opened the case, joins it.
        "same_kind": [residents.report("vgz", "health_insurance", clients["same_kind"], days_ago=3)],
    }
    second_insurer = residents.report("zilveren-kruis", "health_insurance", clients["same_kind"], days_ago=2)
    sent = [r for rs in reports.values() for r in rs]
    await bus.send_reports([(r["partner_id"], r) for r in sent])
    report_ids = {r["report_id"] for r in sent}
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=120, until=lambda rs: report_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    signal_of = {e["payload"]["report_id"]: e["payload"]["signal_id"] for e in bus.events(accepted)
                 if e["payload"]["report_id"] in report_ids}
    household_of = {e["payload"]["report_id"]: e["household_key"] for e in bus.events(accepted)}
    at_risk_keys = {household_of[reports[name][0]["report_id"]] for name in ("two", "one", "same_kind")}

    def in_cases(records: list[bus.Record]) -> set[str]:
        return {s["signal_id"] for e in bus.events(records, "HouseholdAtRisk", "HouseholdRiskEscalated",
                                                    "SignalsJoinedCase") for s in e["payload"]["signals"]}

    def decided(records: list[bus.Record]) -> bool:
        return (set(signal_of[r["report_id"]] for name in ("two", "one", "same_kind") for r in reports[name])
                <= in_cases(records)
                and all(of(records, "SignalNotPickedUp", report_id=reports[n][0]["report_id"])
                        for n in ("below", "below_no_bsn")))

    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120, until=decided)
    # The case is open: the second insurer's report brings it nothing new, but joins it.
    await bus.send_reports([(second_insurer["partner_id"], second_insurer)])
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=120, until=lambda rs: any(
        e["payload"]["report_id"] == second_insurer["report_id"] for e in bus.events(rs)))
    signal_of.update({e["payload"]["report_id"]: e["payload"]["signal_id"] for e in bus.events(accepted)
                      if e["payload"]["report_id"] == second_insurer["report_id"]})
    reports["same_kind"].append(second_insurer)
    joined_id = signal_of[second_insurer["report_id"]]
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120,
                                     until=lambda rs: decided(rs) and joined_id in in_cases(rs))
    at_risk = [e for e in bus.events(decisions, "HouseholdAtRisk") if e["household_key"] in at_risk_keys]
    assert len(at_risk) == 3
    same_kind_key = household_of[reports["same_kind"][0]["report_id"]]
    (same_kind_case,) = [e for e in at_risk if e["household_key"] == same_kind_key]
    (join,) = [e for e in bus.events(decisions, "SignalsJoinedCase") if e["household_key"] == same_kind_key]
    assert join["payload"]["episode_id"] == same_kind_case["payload"]["episode_id"]
    assert [s["signal_id"] for s in join["payload"]["signals"]] == [joined_id]
    # The signal not picked up carries its contact to outreach sealed, never in plain text.
    not_picked_up = [of(decisions, "SignalNotPickedUp", report_id=reports[n][0]["report_id"])[0]
                     for n in ("below", "below_no_bsn")]
    assert all(set(e["payload"]["contact"]) >= {"key_id", "ciphertext"} for e in not_picked_up)
    plain = personal_values([clients["below"]]) | {no_bsn[f] for f in ("surname", "street", "email", "postcode")}
    assert not {v for v in plain if v in json.dumps(not_picked_up)}

    # Outreach has taken a decision in once it has told the partner what became of the report: wait
    # for that, so that the (whole day's, growing) delivery is pulled once rather than in a loop.
    for partner in sorted({r["partner_id"] for rs in reports.values() for r in rs}):
        told = {r["report_id"] for rs in reports.values() for r in rs if r["partner_id"] == partner}
        await bus.read_topic(topics.partner_feedback(partner), timeout=120, until=lambda rs, told=told: told <= {
            r.envelope.get("report_id") for r in rs if r.envelope})
    ours = set(signal_of.values())
    today = today_in_amsterdam()
    deadline = time.monotonic() + 60
    while True:
        pulled: Pulled = await asyncio.to_thread(pull, f"https://127.0.0.1:{port}", cbs_dir, today, today)
        if ours <= set(pulled.signal_ids()) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)

    delivered = pulled.signal_ids()
    assert ours <= set(delivered) and len(delivered) == len(set(delivered))
    our_cases = [z for z in pulled.cases() if {s["ID"] for s in z["vroegsignalen"]} & ours]
    assert len(our_cases) == len(at_risk) == 3
    assert all({s["ID"] for s in z["vroegsignalen"]} <= ours for z in our_cases)
    # Both insurers' signals are in the one case of their household.
    both = {signal_of[r["report_id"]] for r in reports["same_kind"]}
    assert [z for z in our_cases if {s["ID"] for s in z["vroegsignalen"]} == both]
    signals = {s["ID"]: s for page in pulled.pages for lv in page["leveringen"] for s in lv["vroegsignalen"]}
    below, below_no_bsn = (signals[signal_of[reports[n][0]["report_id"]]] for n in ("below", "below_no_bsn"))
    assert below["status"] == below_no_bsn["status"] == "Niet opgepakt: onterecht signaal"
    assert below["client"] == {"burgerservicenummer": clients["below"]["bsn"]}
    assert below_no_bsn["client"] == {"postcode": no_bsn["postcode"].replace(" ", ""),
                                      "huisnummer": str(no_bsn["house_number"])}
    text = json.dumps(pulled.pages, ensure_ascii=False)
    for resident in clients.values():  # the minimised client: no name, street, city, phone or e-mail
        for field in ("surname", "street", "city", "email", "phone"):
            assert not resident.get(field) or resident[field] not in text, field
