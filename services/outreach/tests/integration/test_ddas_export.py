"""The DDAS v1.2 delivery from the real database, by API and by command, valid against the official
schema (formats included), with the minimised client; an invalid one never leaves and is logged
without personal data."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import structlog.testing
from jsonschema import Draft202012Validator, FormatChecker

from outreach.adapters.ddas_schema import SCHEMA_PATH, DeliveryInvalid
from outreach.adapters.audit import Reader
from outreach.domain.ddas import PeriodRecords
from outreach.handlers import reporting
from outreach.handlers.erasure import erase
from outreach.handlers.note_not_picked_up import note_not_picked_up
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureRequested, SignalNotPickedUp
from vroeg_contracts.keys import KeyFolder
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_contracts.privacy import seal
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import auth, resident

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "ddas" / "v1.2" / "json_schema_Uitwisselmodel.json"
OFFICIAL = json.loads((SHARED if SHARED.exists() else SCHEMA_PATH).read_text())
TODAY = today_in_amsterdam().isoformat()


def assert_valid(document):
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft202012Validator(OFFICIAL, format_checker=FormatChecker()).iter_errors(document)]
    assert errors == []


async def todays_delivery(api):
    """Today's delivery as an auditor pulls it, valid against the official schema."""
    response = await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}", headers=auth("auditor"))
    assert response.status_code == 200
    document = response.json()
    assert_valid(document)
    return document


def case_entry(document, signal_ids):
    (levering,) = [lv for lv in document["leveringen"] if lv["gemeentecode"] == "0437"]
    return [z for z in levering["vroegsignaalzaken"] if {s["ID"] for s in z["vroegsignalen"]} == signal_ids]


async def test_the_delivery_holds_the_case_its_signals_attempts_and_outcome(api, new_case):
    case = await new_case(phone=True)
    case_id = case.payload.episode_id
    await api.post(f"/v1/cases/{case_id}/attempts", headers=auth("caseworker"),
                   json={"kind": "Telefoon", "reached": True, "date": TODAY, "day_part": "Avond"})
    await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"),
                   json={"outcome": "(Budget)advies en/of quick fix"})
    response = await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}", headers=auth("auditor"))
    assert response.status_code == 200
    document = response.json()
    assert_valid(document)
    signal_ids = {str(s.signal_id) for s in case.payload.signals}
    (zaak,) = case_entry(document, signal_ids)
    assert zaak["resultaat"] == "(Budget)advies en/of quick fix" and zaak["datumOpgepakt"] == TODAY
    assert [(p["soort"], p["bereikt"]) for p in zaak["contactpogingen"]] == [("Brief", False), ("Telefoon", True)]
    signals = {s["ID"]: s for lv in document["leveringen"] for s in lv["vroegsignalen"]}
    assert {signals[i]["signaalpartner"]["type"] for i in signal_ids} == {"Huur", "Water"}
    assert all(signals[i]["bedrag"] == 123 and signals[i]["client"] == {"burgerservicenummer": "123456782"}
               and signals[i]["status"] == "Opgepakt" for i in signal_ids)
    for personal in ("Proefbewoner", "Teststraat", "Ouderkerk aan de Amstel", "example.nl", "+316"):
        assert personal not in response.text

    kpi = (await api.get(f"/v1/kpi?from={TODAY}&to={TODAY}", headers=auth("supervisor"))).json()
    assert kpi["total"]["cases"] >= 1 and kpi["total"]["help_accepted"] >= 1
    assert kpi["per_partner_type"]["Huur"]["cases"] >= 1
    assert "Proefbewoner" not in json.dumps(kpi)  # figures only


async def test_one_levering_per_municipality_and_only_the_one_asked_for(api, new_case):
    here, there = await new_case(send_letter=False), await new_case(send_letter=False, municipality_code="0362")
    both = (await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}", headers=auth("auditor"))).json()
    assert_valid(both)
    codes = [lv["gemeentecode"] for lv in both["leveringen"]]
    assert sorted(codes) == codes and len(set(codes)) == len(codes) and {"0437", "0362"} <= set(codes)
    assert [lv["teller"] for lv in both["leveringen"]] == list(range(1, len(codes) + 1))
    ids = {lv["gemeentecode"]: {z["vroegsignalen"][0]["ID"] for z in lv["vroegsignaalzaken"]} for lv in both["leveringen"]}
    assert {str(s.signal_id) for s in here.payload.signals} & ids["0437"]
    assert {str(s.signal_id) for s in there.payload.signals} & ids["0362"]

    only = await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}&municipality=0362", headers=auth("auditor"))
    assert [lv["gemeentecode"] for lv in only.json()["leveringen"]] == ["0362"]
    assert all(str(s.signal_id) not in only.text for s in here.payload.signals)


async def test_an_invalid_delivery_is_refused_and_logged_without_personal_data(outreach, new_case, monkeypatch):
    await new_case(send_letter=False)
    spoilt = reporting.ddas.delivery

    def with_a_name(records: PeriodRecords, **kwargs):
        document = spoilt(records, **kwargs)
        for levering in document["leveringen"]:
            for entry in levering["vroegsignalen"]:
                entry["client"]["achternaam"] = "Proefbewoner-Geheim"
        return document

    monkeypatch.setattr(reporting.ddas, "delivery", with_a_name)
    with structlog.testing.capture_logs() as logs, pytest.raises(DeliveryInvalid) as raised:
        async with pooled_unit_of_work(outreach.runtime.db) as uow:
            await reporting.ddas_delivery(uow, today_in_amsterdam(), today_in_amsterdam(),
                                          reader=Reader("it-auditor", "auditor", ("0437",)),
                                          supplier_code="VROEG", writers=outreach.deps.writers)
    assert any(p.endswith("/client: additionalProperties") for p in raised.value.problems)
    (logged,) = [entry for entry in logs if entry["event"] == "ddas_delivery_invalid"]
    assert logged["problems"] == raised.value.problems[:50]
    assert "Proefbewoner" not in repr(logs) + str(raised.value)


async def test_a_period_before_the_case_does_not_hold_it(api, new_case):
    case = await new_case(send_letter=False)
    last_year = (today_in_amsterdam() - timedelta(days=365)).isoformat()
    document = (await api.get(f"/v1/ddas?from={last_year}&to={last_year}", headers=auth("admin"))).json()
    assert_valid(document)
    assert not case_entry(document, {str(s.signal_id) for s in case.payload.signals})


async def test_a_bad_period_is_refused_naming_the_field(api):
    response = await api.get("/v1/ddas?from=2025-02-01&to=2025-01-01", headers=auth("supervisor"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "to"] and "before from" in response.json()["detail"][0]["msg"]
    missing = await api.get("/v1/kpi?from=2025-02-01", headers=auth("supervisor"))
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["query", "to"]


async def test_the_command_writes_a_valid_delivery_and_audits_the_read(platform, outreach, new_case, tmp_path):
    case = await new_case(send_letter=False)
    out = tmp_path / "ddas.json"
    env = {**os.environ, "OUTREACH_DATABASE_URL": platform.database_urls["outreach"]}
    done = subprocess.run([sys.executable, "-m", "outreach", "ddas", "--from", TODAY, "--to", TODAY, "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert_valid(document)
    assert case_entry(document, {str(s.signal_id) for s in case.payload.signals})
    assert "DDAS delivery" in done.stderr
    audited = await outreach.runtime.db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'read:ddas' AND staff_id LIKE 'command:%' AND $1 = ANY(case_ids)",
        case.payload.episode_id)
    assert audited == 1
    bad = subprocess.run([sys.executable, "-m", "outreach", "ddas", "--from", "2025-02-01", "--to", "2025-01-01"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "to: lies before from" in bad.stderr


async def not_picked_up(outreach, platform, contact, *, household_key=None) -> Envelope[SignalNotPickedUp]:
    """A signal below the threshold for a household that never had a case, as matching now sends it."""
    public_key = KeyFolder(platform.keys_dir).outreach_public_key("dev-1")
    today = today_in_amsterdam()
    payload = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id="waternet",
                                report_id=f"it-{uuid.uuid4().hex[:10]}", category=Category.WATER,
                                ddas_status="Niet opgepakt: onterecht signaal", reason="below the threshold",
                                signal_date=today, arrears_since=today - timedelta(days=10), amount=Decimal("80.50"),
                                crisis=False, warm_handover=False, contact=seal(contact, public_key, "dev-1"))
    envelope = Envelope.wrap(payload, producer="matching", municipality_code="0437",
                             household_key=household_key or f"hh-{uuid.uuid4().hex}", correlation_id=uuid.uuid4())
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        await note_not_picked_up(uow, envelope, outreach.deps)
    return envelope


async def test_a_signal_not_picked_up_is_delivered_with_only_its_client_and_erased_with_its_household(
        api, outreach, platform):
    with_bsn = resident(7)
    without_bsn = resident(12).model_copy(update={"bsn": None, "house_letter": "b", "birth_date": None})
    sent = {"bsn": await not_picked_up(outreach, platform, with_bsn),
            "address": await not_picked_up(outreach, platform, without_bsn)}
    stored = await outreach.runtime.db.fetchval("SELECT contact FROM signals_not_picked_up WHERE signal_id = $1",
                                                sent["address"].payload.signal_id)
    assert json.loads(stored) == {"postcode": "1191BK", "house_number": 12, "house_letter": "b"}  # nothing more

    response = await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}", headers=auth("auditor"))
    assert response.status_code == 200
    document = response.json()
    assert_valid(document)
    signals = {s["ID"]: s for lv in document["leveringen"] for s in lv["vroegsignalen"]}
    entry = {name: signals[str(envelope.payload.signal_id)] for name, envelope in sent.items()}
    assert entry["bsn"]["client"] == {"burgerservicenummer": "123456782"}
    assert entry["address"]["client"] == {"postcode": "1191BK", "huisnummer": "12", "huisnummertoevoeging": "b"}
    assert entry["bsn"] == {"ID": str(sent["bsn"].payload.signal_id), "crisissignaal": False, "bedrag": 81,
                            "ontstaansdatum": (today_in_amsterdam() - timedelta(days=10)).isoformat(),
                            "signaaldatum": TODAY, "status": "Niet opgepakt: onterecht signaal",
                            "signaalpartner": {"type": "Water"}, "client": {"burgerservicenummer": "123456782"}}
    for personal in (with_bsn.surname, without_bsn.surname, with_bsn.street, without_bsn.street, "Ouderkerk aan de Amstel",
                     "example.nl", "+316"):
        assert personal not in response.text

    household = sent["address"].household_key
    request = Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                            producer="consent", municipality_code="0437", household_key=household,
                            correlation_id=uuid.uuid4())
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        deleted = await erase(uow, request, outreach.deps)
    assert deleted["signals_not_picked_up"] == 1
    after = (await api.get(f"/v1/ddas?from={TODAY}&to={TODAY}", headers=auth("auditor"))).json()
    delivered = {s["ID"] for lv in after["leveringen"] for s in lv["vroegsignalen"]}
    assert str(sent["address"].payload.signal_id) not in delivered and str(sent["bsn"].payload.signal_id) in delivered
