"""The DDAS delivery: mapped from outreach's records, valid against the official Uitwisselmodel v0.9."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from outreach.adapters.ddas_schema import SCHEMA_PATH, DeliveryInvalid, validate
from outreach.domain import ddas_lists
from outreach.domain.ddas import AttemptRecord, CaseRecord, Organisation, PeriodRecords, SignalRecord, delivery
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import ContactDetails

OFFICIAL = Path(__file__).resolve().parents[4].parent / "shared" / "ddas" / "v0.9"  # the repository's ../shared
OFFICIAL_SCHEMA = json.loads((OFFICIAL / "json_schema_Uitwisselmodel.json").read_text())
JAN = (date(2025, 1, 1), date(2025, 1, 31))
ORGANISATIONS = {"0437": Organisation("Gemeente Ouder-Amstel", None, (
    {"naam": "Team Vroeg er op af", "telefoonnummer": "020 496 2121", "email": "vroegeropaf@ouder-amstel.nl",
     "functietitel": "Team vroegsignalering"},))}
PERSON = ContactDetails(bsn="123456782", initials="A.", prefix="van", surname="Dijk", birth_date=date(1985, 6, 15),
                        street="Dorpsstraat", house_number=10, house_letter="A", house_number_addition="2",
                        postcode="1191BK", city="Ouderkerk aan de Amstel", phone="+31612345678")


def official_errors(document):
    validator = Draft202012Validator(OFFICIAL_SCHEMA, format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def signal(category=Category.RENT, status="Nog niet opgepakt", amount="450.50", contact=PERSON, **fields):
    return SignalRecord(fields.pop("signal_id", uuid.uuid4()), fields.pop("municipality_code", "0437"), category, status,
                        contact, signal_date=date(2025, 1, 5), arrears_since=date(2024, 12, 1),
                        amount=Decimal(amount) if amount else None, crisis=False, **fields)


def case(signals, outcome=None, attempts=(), municipality_code="0437"):
    return CaseRecord(uuid.uuid4(), municipality_code, tuple(s.signal_id for s in signals), date(2025, 1, 6),
                      date(2025, 1, 6), date(2024, 12, 1), date(2025, 3, 1), outcome, tuple(attempts))


def build(records, organisations=ORGANISATIONS):
    return delivery(records, start=JAN[0], end=JAN[1], delivered_at=datetime(2025, 2, 5, 10, 30, 12, 345, tzinfo=UTC),
                    supplier_code="VROEG", organisations=organisations)


def test_the_bundled_schema_is_the_official_one():
    assert json.loads(SCHEMA_PATH.read_text()) == OFFICIAL_SCHEMA


@pytest.mark.parametrize(("literal", "enum"), [
    (ddas_lists.ContactKind, "EnumContactsoort"), (ddas_lists.DayPart, "EnumDagdeel"),
    (ddas_lists.Outcome, "EnumEindresultaat"), (ddas_lists.SignalStatus, "EnumSignaalstatus"),
])
def test_outreachs_value_lists_are_the_schemas(literal, enum):
    assert list(get_args(literal)) == OFFICIAL_SCHEMA["$defs"][enum]["enum"]


@pytest.mark.parametrize("example", ["enkelvoudigVoorbeeld.json", "meervoudigVoorbeeld.json"])
def test_the_official_examples_pass_our_validation(example):
    validate(json.loads((OFFICIAL / example).read_text()))


def test_a_month_with_cases_and_signals_not_picked_up_is_a_valid_delivery():
    rent, water = signal(), signal(Category.WATER, amount="80.00")
    below = signal(Category.HEALTH_INSURANCE, status="Niet opgepakt: onterecht signaal", contact=None, amount=None)
    closed = case([rent, water], outcome="Inwoner hoeft geen hulp vanuit vroegsignalering", attempts=[
        AttemptRecord("Brief", False, date(2025, 1, 6), "Ochtend"),
        AttemptRecord("Telefoon", True, date(2025, 1, 13), "Middag")])
    document = build(PeriodRecords(signals=[rent, water, below], cases=[closed]))
    assert official_errors(document) == []
    validate(document)
    assert document["aanleverdatumEnTijd"] == "2025-02-05T10:30:12Z"
    (levering,) = document["leveringen"]
    assert levering["teller"] == 1 and levering["gemeentecode"] == "0437"
    assert levering["aanleverende_organisatie"]["naam"] == "Gemeente Ouder-Amstel"
    assert len(levering["vroegsignalen"]) == 3 and len(levering["vroegsignaalzaken"]) == 1
    zaak = levering["vroegsignaalzaken"][0]
    assert zaak["resultaat"] == "Inwoner hoeft geen hulp vanuit vroegsignalering"
    assert {s["ID"] for s in zaak["vroegsignalen"]} == {str(rent.signal_id), str(water.signal_id)}
    assert [(p["soort"], p["bereikt"], p["dagdeel"]) for p in zaak["contactpogingen"]] == [
        ("Brief", False, "Ochtend"), ("Telefoon", True, "Middag")]
    assert (zaak["matchingsdatum"], zaak["startdatum_matchtingperiode"], zaak["einddatum_matchingperiode"],
            zaak["datum_opgepakt"]) == ("2025-01-06", "2024-12-01", "2025-03-01", "2025-01-06")


def test_signal_fields_map_to_ddas():
    rent = signal()
    (entry,) = build(PeriodRecords(signals=[rent]))["leveringen"][0]["vroegsignalen"]
    assert entry == {
        "ID": str(rent.signal_id), "crisissignaal": False, "bedrag": 451, "ontstaansdatum": "2024-12-01",
        "signaaldatum": "2025-01-05", "status": "Nog niet opgepakt", "signaalpartner": {"type": "Huur"},
        "client": {"Burgerservicenummer": "123456782", "Voorletters": "A.", "Voorvoegsel": "van", "Achternaam": "Dijk",
                   "Geboortedatum": "1985-06-15", "Straatnaam": "Dorpsstraat", "Postcode": "1191BK", "Huisnummer": "10",
                   "Huisnummertoevoeging": "A2", "Plaatsnaam": "Ouderkerk aan de Amstel"}}


@pytest.mark.parametrize(("category", "partner_type"), [
    (Category.ENERGY, "Energie"), (Category.HEALTH_INSURANCE, "Zorg"), (Category.CAK, "CAK Zorgverzekeringen"),
    (Category.STUDENT_DEBT, "DUO"), (Category.BENEFITS, "Dienst Toeslagen"), (Category.MUNICIPAL_TAX, "Overige"),
])
def test_partner_types_follow_the_contracts_mapping(category, partner_type):
    (entry,) = build(PeriodRecords(signals=[signal(category)]))["leveringen"][0]["vroegsignalen"]
    assert entry["signaalpartner"] == {"type": partner_type}


def test_a_signal_not_picked_up_without_a_case_has_an_empty_client_and_its_status():
    below = signal(status="Niet opgepakt: onterecht signaal", contact=None)
    document = build(PeriodRecords(signals=[below]))
    (entry,) = document["leveringen"][0]["vroegsignalen"]
    assert entry["client"] == {} and entry["status"] == "Niet opgepakt: onterecht signaal"
    assert official_errors(document) == []


def test_a_repeat_that_joined_a_case_appears_once_with_its_not_picked_up_status():
    signal_id = uuid.uuid4()
    in_case = signal(signal_id=signal_id)
    repeat = SignalRecord(signal_id, "0437", Category.RENT, "Niet opgepakt: herhaalde melding", None)
    document = build(PeriodRecords(signals=[in_case, repeat], cases=[case([in_case])]))
    (entry,) = document["leveringen"][0]["vroegsignalen"]
    assert entry["status"] == "Niet opgepakt: herhaalde melding"
    assert entry["signaaldatum"] == "2025-01-05" and entry["client"]["Achternaam"] == "Dijk"
    assert official_errors(document) == []


def test_an_open_case_has_no_result_yet():
    rent = signal()
    document = build(PeriodRecords(signals=[rent], cases=[case([rent])]))
    assert "resultaat" not in document["leveringen"][0]["vroegsignaalzaken"][0]
    assert official_errors(document) == []


def test_each_municipality_gets_its_own_levering_counted_by_teller():
    here, there = signal(), signal(municipality_code="0363")
    document = build(PeriodRecords(signals=[here, there], cases=[case([there], municipality_code="0363")]))
    assert [(lv["teller"], lv["gemeentecode"], len(lv["vroegsignalen"]), len(lv["vroegsignaalzaken"]))
            for lv in document["leveringen"]] == [(1, "0363", 1, 1), (2, "0437", 1, 0)]
    assert official_errors(document) == []


def test_an_empty_month_is_still_a_valid_delivery_for_each_municipality():
    document = build(PeriodRecords())
    assert official_errors(document) == []
    assert document["leveringen"][0]["vroegsignalen"] == []


def test_an_invalid_delivery_is_refused_naming_the_place_but_not_the_value():
    document = build(PeriodRecords(signals=[signal()]))
    document["leveringen"][0]["vroegsignalen"][0]["status"] = "Opgepakt door Jansen"
    with pytest.raises(DeliveryInvalid) as raised:
        validate(document)
    assert "leveringen/0/vroegsignalen/0/status: enum" in str(raised.value)
    assert "Jansen" not in str(raised.value)
