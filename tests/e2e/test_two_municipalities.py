"""Two municipalities on one installation: Ouder-Amstel (0437) and Amstelveen (0362), each with its own
policy, letters, visits switch and team, and three partners, one of which (Gemeentebelastingen
Amstelland) reports for both. The four services run as processes on the real Kafka and PostgreSQL.

Checked here: each municipality's residents get their own letter, with their own sender and rules;
a partner's report for a municipality it does not serve is returned with the field; each
caseworker sees only their own municipality's cases (another's is 404, and the refusal is audited);
the DDAS delivery and the KPIs are per municipality and a regional supervisor sees both; switching
one municipality's visits off changes nothing in the other; and a policy file changed while the
services run changes the next decision, which names the new policy version.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from vroeg_contracts import topics
from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_devtools import bus
from vroeg_devtools.stack import ROOT

POLICIES = ROOT / "services" / "matching" / "policies"
CASEWORKER_0437 = {"Authorization": "Bearer dev-caseworker-token"}  # cw-anna
CASEWORKER_0362 = {"Authorization": "Bearer dev-caseworker-0362-token"}  # cw-femke
REGIONAL_SUPERVISOR = {"Authorization": "Bearer dev-supervisor-token"}  # sv-carla: both
AUDITOR = {"Authorization": "Bearer dev-auditor-token"}
ADMIN = {"Authorization": "Bearer dev-admin-token"}
MATCHING_REGION = {"Authorization": "Bearer dev-staff-matching-regional-supervisor"}


def letter_text(letters_dir: Path, municipality_code: str, letter_id: str) -> str:
    pdf = PdfReader(io.BytesIO((letters_dir / municipality_code / f"{letter_id}.pdf").read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def of(records: list[bus.Record], event_type: str, **payload: Any) -> list[dict[str, Any]]:
    return [e for e in bus.events(records, event_type) if all(e["payload"].get(k) == v for k, v in payload.items())]


async def households_of(reports: list[dict[str, Any]]) -> dict[str, str]:
    """The household pseudonym of each report (by report id), once intake accepted them all."""
    ids = {r["report_id"] for r in reports}
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=120, until=lambda rs: ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    return {e["payload"]["report_id"]: e["household_key"] for e in bus.events(accepted)
            if e["payload"]["report_id"] in ids}


async def opened_cases(keys: set[str]) -> dict[str, dict[str, Any]]:
    """The HouseholdAtRisk envelope of each household, once matching opened them all."""
    def found(records: list[bus.Record]) -> dict[str, dict[str, Any]]:
        return {e["household_key"]: e for e in bus.events(records, "HouseholdAtRisk") if e["household_key"] in keys}
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120, until=lambda rs: len(found(rs)) == len(keys))
    return found(decisions)


async def test_two_municipalities_side_by_side(stack, residents, tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    for path in POLICIES.glob("*.toml"):
        shutil.copy(path, policies / path.name)
    letters_dir = tmp_path / "letters"
    stack.overrides["matching"] = {"MATCHING_POLICY_DIR": str(policies), "MATCHING_POLICY_RELOAD_SECONDS": "0.5"}
    stack.overrides["outreach"] = {"OUTREACH_CALL_DELAY": "PT2S"}
    stack.start()
    outreach = httpx.AsyncClient(base_url=stack["outreach"].url, timeout=30)
    matching = httpx.AsyncClient(base_url=stack["matching"].url, timeout=30)

    def client(code: str, *, phone: bool = True) -> dict[str, Any]:
        place = ("1191 BK", "Ouderkerk aan de Amstel") if code == "0437" else ("1185 LN", "Amstelveen")
        return residents.client(phone=phone, postcode=place[0], city=place[1])

    people = {"oa": client("0437"), "av": client("0362"), "oa_tax": client("0437"), "av_small": client("0362")}
    reports = {
        # One rent arrear each: Ouder-Amstel's policy writes a letter only, Amstelveen's also calls.
        "oa": residents.report("eigen-haard", "rent", people["oa"]),
        "av": residents.report("ymere", "rent", people["av"], municipality_code="0362"),
        # Gemeentebelastingen Amstelland reports for both; €30 is enough in Ouder-Amstel (no minimum)
        # and below Amstelveen's minimum of €50, so there it is "Niet opgepakt: onterecht signaal".
        "oa_tax": residents.report("gemeentebelastingen-amstelland", "municipal_tax", people["oa_tax"], amount="30.00"),
        "av_small": residents.report("gemeentebelastingen-amstelland", "municipal_tax", people["av_small"],
                                     amount="30.00", municipality_code="0362"),
    }
    # Ymere is registered for Amstelveen only: its report for Ouder-Amstel goes back, the field named.
    stray = residents.report("ymere", "rent", client("0437"))
    try:
        await bus.send_reports([(r["partner_id"], r) for r in [*reports.values(), stray]])
        keys = await households_of(list(reports.values()))
        household = {name: keys[r["report_id"]] for name, r in reports.items()}
        rejections = await bus.read_topic(topics.partner_rejections("ymere"), timeout=60,
                                          until=lambda rs: any(r.json()["report_id"] == stray["report_id"] for r in rs))
        rejection = next(r.json() for r in rejections if r.json()["report_id"] == stray["report_id"])
        assert [reason["field"] for reason in rejection["reasons"]] == ["arrears.municipality_code"]
        assert "0362" in rejection["reasons"][0]["reason"] or "0437" in rejection["reasons"][0]["reason"]

        cases = await opened_cases({household[n] for n in ("oa", "av", "oa_tax")})
        case = {n: cases[household[n]]["payload"]["episode_id"] for n in ("oa", "av", "oa_tax")}
        assert {n: cases[household[n]]["municipality_code"] for n in case} == {"oa": "0437", "av": "0362",
                                                                               "oa_tax": "0437"}
        assert cases[household["oa"]]["payload"]["action"] == "letter_only"
        assert cases[household["av"]]["payload"]["action"] == "letter_and_call"
        decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: bool(
            of(rs, "SignalNotPickedUp", report_id=reports["av_small"]["report_id"])))
        assert of(decisions, "SignalNotPickedUp", report_id=reports["av_small"]["report_id"])[0]["payload"][
            "ddas_status"] == "Niet opgepakt: onterecht signaal"

        # Each resident's letter comes from their own municipality; Amstelveen's resident is called.
        events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: all(
            of(rs, "LetterSent", case_id=case[n]) for n in case) and of(rs, "CallDue", case_id=case["av"]))
        letters = {n: of(events, "LetterSent", case_id=case[n])[0] for n in case}
        assert {n: e["municipality_code"] for n, e in letters.items()} == {"oa": "0437", "av": "0362", "oa_tax": "0437"}
        ouder_amstel = letter_text(letters_dir, "0437", letters["oa"]["payload"]["letter_id"])
        amstelveen = letter_text(letters_dir, "0362", letters["av"]["payload"]["letter_id"])
        assert "Gemeente Ouder-Amstel" in ouder_amstel and "Amstelveen" not in ouder_amstel
        assert "Gemeente Amstelveen" in amstelveen and "Ouder-Amstel" not in amstelveen
        assert not of(events, "CallDue", case_id=case["oa"])  # a letter only, by Ouder-Amstel's policy

        # Each caseworker sees their own municipality's cases only; another's is "not found".
        for own, other, headers in (("oa", "av", CASEWORKER_0437), ("av", "oa", CASEWORKER_0362)):
            listed = {c["case_id"] for c in (await outreach.get("/v1/cases?limit=500", headers=headers)).json()}
            assert case[own] in listed and case[other] not in listed
            assert (await outreach.get(f"/v1/cases/{case[own]}", headers=headers)).status_code == 200
            refused = await outreach.get(f"/v1/cases/{case[other]}", headers=headers)
            assert refused.status_code == 404 and refused.json() == {"detail": "no such case"}
            worklist = (await outreach.get("/v1/worklist", headers=headers)).json()
            on_it = {i["case_id"] for items in worklist["parts"].values() for i in items}
            assert case[other] not in on_it
        worklist = (await outreach.get("/v1/worklist", headers=CASEWORKER_0362)).json()
        assert case["av"] in {i["case_id"] for items in worklist["parts"].values() for i in items}
        regional = {c["case_id"] for c in (await outreach.get("/v1/cases?limit=500", headers=REGIONAL_SUPERVISOR)).json()}
        assert {case["oa"], case["av"]} <= regional
        audit = (await outreach.get("/v1/audit", params={"staff_id": "cw-femke"}, headers=AUDITOR)).json()
        assert any(e["action"] == "refused:case" and case["oa"] in e["case_ids"] for e in audit)

        # Matching's history: a caseworker of the other municipality is told "not found" as well.
        oa_history = await matching.get(f"/v1/households/{household['oa']}/decisions",
                                        headers={"Authorization": "Bearer dev-staff-matching-caseworker-0362"})
        assert oa_history.status_code == 404

        # The DDAS delivery and the KPIs per municipality; the regional supervisor has both.
        today = today_in_amsterdam()
        period = {"from": (today - timedelta(days=40)).isoformat(), "to": today.isoformat()}
        kpi = {code: (await outreach.get("/v1/kpi", params={**period, "municipality": code},
                                         headers=REGIONAL_SUPERVISOR)).json() for code in ("0437", "0362")}
        both = (await outreach.get("/v1/kpi", params=period, headers=REGIONAL_SUPERVISOR)).json()
        assert kpi["0437"]["total"]["cases"] >= 2 and kpi["0362"]["total"]["cases"] >= 1
        assert both["total"]["cases"] == kpi["0437"]["total"]["cases"] + kpi["0362"]["total"]["cases"]
        delivery = await outreach.get("/v1/ddas", params={**period, "municipality": "0362"}, headers=REGIONAL_SUPERVISOR)
        assert delivery.status_code == 200
        # v1.2: only Amstelveen's levering, its resident by BSN alone; no name of anyone, nothing of Ouder-Amstel's.
        assert [lv["gemeentecode"] for lv in delivery.json()["leveringen"]] == ["0362"]
        (levering,) = delivery.json()["leveringen"]
        assert people["av"]["bsn"] in {s["client"].get("burgerservicenummer") for s in levering["vroegsignalen"]}
        for person in people.values():
            assert person["surname"] not in delivery.text and person["street"] not in delivery.text
        for name in ("oa", "oa_tax"):
            assert people[name]["bsn"] not in delivery.text
            assert case[name] not in delivery.text
        refused = await outreach.get("/v1/ddas", params={**period, "municipality": "0437"},
                                     headers={"Authorization": "Bearer dev-supervisor-0362-token"})
        assert refused.status_code == 404

        # Visits off in Amstelveen: its resident without a phone gets a second letter; Ouder-Amstel still visits.
        switched = await outreach.put("/v1/admin/visits/0362", json={"enabled": False}, headers=ADMIN)
        assert switched.status_code == 200
        assert (await outreach.get("/v1/admin/visits/0437", headers=ADMIN)).json()["enabled"] is True
        no_phone = {"oa": client("0437", phone=False), "av": client("0362", phone=False)}
        second = {"oa": [residents.report("eigen-haard", "rent", no_phone["oa"]),
                         residents.report("gemeentebelastingen-amstelland", "municipal_tax", no_phone["oa"])],
                  "av": [residents.report("ymere", "rent", no_phone["av"], municipality_code="0362")]}
        await bus.send_reports([(r["partner_id"], r) for rs in second.values() for r in rs])
        keys = await households_of([r for rs in second.values() for r in rs])
        second_cases = await opened_cases({keys[second["oa"][0]["report_id"]], keys[second["av"][0]["report_id"]]})
        visit_case = second_cases[keys[second["oa"][0]["report_id"]]]["payload"]["episode_id"]
        letter_case = second_cases[keys[second["av"][0]["report_id"]]]["payload"]["episode_id"]
        events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: bool(
            of(rs, "VisitDue", case_id=visit_case) and of(rs, "LetterSent", case_id=letter_case, letter_kind="follow_up")))
        assert not of(events, "VisitDue", case_id=letter_case)

        # A changed policy file takes effect while the services run: Ouder-Amstel now calls after a
        # single arrear too, and the decision names the new version.
        path = policies / "0437-ouder-amstel.toml"
        text = path.read_text().replace('single = "letter_only"', 'single = "letter_and_call"')
        assert 'single = "letter_and_call"' in text
        staged = policies / ".0437-ouder-amstel.toml.new"
        staged.write_text('version = "e2e-2"\n' + text)
        staged.replace(path)  # one step, as an operator (or a ConfigMap) replaces a file
        await asyncio.sleep(2.0)  # four reloads
        later = residents.report("eigen-haard", "rent", client("0437"))
        await bus.send_reports([("eigen-haard", later)])
        later_key = (await households_of([later]))[later["report_id"]]
        decided = (await opened_cases({later_key}))[later_key]
        assert decided["payload"]["action"] == "letter_and_call"
        history = (await matching.get(f"/v1/households/{later_key}/decisions", headers=MATCHING_REGION)).json()
        assert history["decisions"][-1]["policy_version"].startswith("e2e-2:0437:")
        before = (await matching.get(f"/v1/households/{household['oa']}/decisions", headers=MATCHING_REGION)).json()
        assert not before["decisions"][0]["policy_version"].startswith("e2e-2")
    finally:
        await outreach.put("/v1/admin/visits/0362", json={"enabled": True}, headers=ADMIN)
        await outreach.aclose()
        await matching.aclose()
