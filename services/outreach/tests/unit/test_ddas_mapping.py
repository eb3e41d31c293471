"""The DDAS delivery: mapped from outreach's records, valid against the official Uitwisselmodel v1.2,
with the minimised client and nothing else of the resident."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest

from outreach.adapters.ddas_schema import SCHEMA_PATH, DeliveryInvalid, schema, validate
from outreach.domain import ddas_lists
from outreach.domain.ddas import (AttemptRecord, CaseRecord, Organisation, PeriodRecords, SignalRecord, client,
                                  client_details, delivery, status_of, withheld)
from outreach.domain.signal_ends import all_withdrawn
from vroeg_contracts.partner_report import DDAS_PARTNER_TYPE, Category
from vroeg_contracts.privacy import ContactDetails

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "ddas" / "v1.2"  # the repository's ../shared
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "0010_ddas_v1_2_outcomes.sql"
SCHEMA = json.loads(SCHEMA_PATH.read_bytes())
JAN = (date(2025, 1, 1), date(2025, 1, 31))
ORGANISATIONS = {"0437": Organisation("Gemeente Ouder-Amstel", None, (
    {"naam": "Team Vroeg er op af", "telefoonnummer": "020 496 2121", "email": "vroegeropaf@ouder-amstel.nl",
     "functietitel": "Team vroegsignalering"},))}
PERSON = ContactDetails(bsn="123456782", initials="A.", prefix="van", surname="Dijk", birth_date=date(1985, 6, 15),
                        street="Dorpsstraat", house_number=10, house_letter="A", house_number_addition="2",
                        postcode="1191 bk", city="Ouderkerk aan de Amstel", phone="+31612345678",
                        email="a.vandijk@example.org")
NO_BSN = PERSON.model_copy(update={"bsn": None})


def signal(category=Category.RENT, status=ddas_lists.IN_A_CASE, amount="450.50", contact=PERSON, **fields):
    return SignalRecord(fields.pop("signal_id", uuid.uuid4()), fields.pop("municipality_code", "0437"), category, status,
                        contact, signal_date=date(2025, 1, 5), arrears_since=date(2024, 12, 1),
                        amount=Decimal(amount) if amount else None, crisis=False, **fields)


def case(signals, outcome=None, attempts=(), municipality_code="0437"):
    return CaseRecord(uuid.uuid4(), municipality_code, tuple(s.signal_id for s in signals), date(2025, 1, 6),
                      date(2025, 1, 6), date(2024, 12, 1), date(2025, 3, 1), outcome, tuple(attempts))


def build(records, organisations=ORGANISATIONS):
    document = delivery(records, start=JAN[0], end=JAN[1], delivered_at=datetime(2025, 2, 5, 10, 30, 12, 345, tzinfo=UTC),
                        supplier_code="VROEG", organisations=organisations)
    validate(document)  # every document these tests build is a valid v1.2 delivery
    return document


# The schema and its value lists

@pytest.mark.skipif(not SHARED.is_dir(), reason="the official files (../shared/ddas/v1.2) are not here")
def test_the_bundled_schema_is_the_official_v1_2_file_byte_for_byte():
    assert SCHEMA_PATH.read_bytes() == (SHARED / "json_schema_Uitwisselmodel.json").read_bytes()


def test_the_bundled_schema_is_v1_2():
    assert SCHEMA["$id"].endswith("/v1.2/json_schema_Uitwisselmodel.json") and schema() == SCHEMA


@pytest.mark.parametrize(("literal", "enum"), [
    (ddas_lists.ContactKind, "EnumContactsoort"), (ddas_lists.DayPart, "EnumDagdeel"),
    (ddas_lists.Outcome, "EnumEindresultaat"), (ddas_lists.SignalStatus, "EnumSignaalstatus"),
])
def test_outreachs_value_lists_are_the_schemas(literal, enum):
    assert list(get_args(literal)) == SCHEMA["$defs"][enum]["enum"]


def test_the_new_v1_2_values_can_be_recorded():
    assert {"Onbekend", "Overige"} <= set(ddas_lists.CONTACT_KINDS)
    assert {"Vervolghulp en/of verwijzing", "Verwijzing zonder tussenkomst inwoner"} <= set(ddas_lists.OUTCOMES)
    assert "Inwoner al bekend bij schuldhulpverlening" in ddas_lists.SIGNAL_STATUSES


def test_the_special_outcome_and_status_sets_hold_listed_values():
    assert ddas_lists.HELP_OUTCOMES | ddas_lists.REFERRAL_OUTCOMES | {ddas_lists.NO_CONTACT} <= set(ddas_lists.OUTCOMES)
    assert ddas_lists.IN_A_CASE in ddas_lists.SIGNAL_STATUSES


def test_every_partner_type_is_in_the_schemas_list():
    assert set(DDAS_PARTNER_TYPE.values()) <= set(SCHEMA["$defs"]["EnumSignaalpartner"]["enum"])


def test_the_migration_renames_v0_9_outcomes_to_listed_v1_2_outcomes():
    pairs = [line.strip(" (),;") for line in MIGRATION.read_text().splitlines() if line.strip().startswith("(")
             or line.strip().startswith("'")]
    renamed = " ".join(pairs)
    for old, new in [("Inwoner hoeft geen hulp vanuit vroegsignalering",
                      "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
                     ("Verwijzing zonder contact", "Verwijzing zonder tussenkomst inwoner")]:
        assert old not in ddas_lists.OUTCOMES and new in ddas_lists.OUTCOMES
        assert f"'{old}'" in renamed and f"'{new}'" in renamed


@pytest.mark.skipif(not SHARED.is_dir(), reason="the official files (../shared/ddas/v1.2) are not here")
@pytest.mark.parametrize("example", ["enkelvoudigVoorbeeld.json", "uitgebreidVoorbeeld.json",
                                     "examples-from-v1.2-draft/meervoudigVoorbeeld.json"])
def test_the_official_examples_pass_our_validation(example):
    validate(json.loads((SHARED / example).read_text()))


# The mapping

def test_a_month_with_cases_and_signals_not_picked_up_is_a_valid_delivery():
    rent, water = signal(), signal(Category.WATER, amount="80.00")
    repeat = signal(Category.HEALTH_INSURANCE, status="Niet opgepakt: herhaalde melding", contact=NO_BSN, amount=None)
    closed = case([rent, water], outcome="Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering", attempts=[
        AttemptRecord("Brief", False, date(2025, 1, 6), "Ochtend"),
        AttemptRecord("Telefoon", True, date(2025, 1, 13), "Middag"),
        AttemptRecord("Onbekend", False, date(2025, 1, 14), None)])
    document = build(PeriodRecords(signals=[rent, water, repeat], cases=[closed]))
    assert (document["codeGegevensleverancier"], document["startdatumLevering"], document["einddatumLevering"],
            document["aanleverdatumEnTijd"]) == ("VROEG", "2025-01-01", "2025-01-31", "2025-02-05T10:30:12Z")
    (levering,) = document["leveringen"]
    assert levering["teller"] == 1 and levering["gemeentecode"] == "0437"
    assert levering["aanleverendeOrganisatie"] == {"naam": "Gemeente Ouder-Amstel",
                                                   "contactpersonen": list(ORGANISATIONS["0437"].contacts)}
    assert len(levering["vroegsignalen"]) == 3 and len(levering["vroegsignaalzaken"]) == 1
    zaak = levering["vroegsignaalzaken"][0]
    assert zaak["resultaat"] == "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
    assert {s["ID"] for s in zaak["vroegsignalen"]} == {str(rent.signal_id), str(water.signal_id)}
    assert [(p["soort"], p["bereikt"], p.get("dagdeel")) for p in zaak["contactpogingen"]] == [
        ("Brief", False, "Ochtend"), ("Telefoon", True, "Middag"), ("Onbekend", False, None)]
    assert (zaak["matchingsdatum"], zaak["startdatumMatchingperiode"], zaak["einddatumMatchingperiode"],
            zaak["datumOpgepakt"]) == ("2025-01-06", "2024-12-01", "2025-03-01", "2025-01-06")


def test_signal_fields_map_to_ddas_with_the_bsn_alone_as_client():
    rent = signal()
    (entry,) = build(PeriodRecords(signals=[rent]))["leveringen"][0]["vroegsignalen"]
    assert entry == {
        "ID": str(rent.signal_id), "crisissignaal": False, "bedrag": 451, "ontstaansdatum": "2024-12-01",
        "signaaldatum": "2025-01-05", "status": "Opgepakt", "signaalpartner": {"type": "Huur"},
        "client": {"burgerservicenummer": "123456782"}}


def test_without_a_bsn_the_client_is_the_address_number_and_birth_date():
    assert client(NO_BSN) == {"geboortedatum": "1985-06-15", "postcode": "1191BK", "huisnummer": "10",
                              "huisnummertoevoeging": "A2"}
    bare = ContactDetails(postcode="1191BK", house_number=3)
    assert client(bare) == {"postcode": "1191BK", "huisnummer": "3"}


@pytest.mark.parametrize("contact", [None, ContactDetails(surname="Dijk", street="Dorpsstraat", city="Ouderkerk"),
                                     ContactDetails(bsn="12345", postcode="1191BK"),
                                     ContactDetails(house_number=10, birth_date=date(1985, 6, 15))])
def test_a_signal_whose_client_cannot_be_told_is_withheld(contact):
    unknown = signal(status="Niet opgepakt: onterecht signaal", contact=contact)
    records = PeriodRecords(signals=[unknown, signal()])
    document = build(records)
    assert [s["ID"] for s in document["leveringen"][0]["vroegsignalen"]] == [str(records.signals[1].signal_id)]
    assert withheld(records) == 1


def test_of_a_signal_not_picked_up_outreach_keeps_only_its_ddas_client():
    assert client_details(PERSON) == ContactDetails(bsn="123456782")
    assert client_details(NO_BSN) == ContactDetails(birth_date=date(1985, 6, 15), postcode="1191 bk", house_number=10,
                                                    house_letter="A", house_number_addition="2")
    assert client(client_details(NO_BSN)) == client(NO_BSN)
    assert client_details(ContactDetails(surname="Dijk", street="Dorpsstraat", phone="+31612345678")) is None


@pytest.mark.parametrize("contact", [PERSON, NO_BSN])
def test_a_signal_not_picked_up_without_a_case_is_delivered_with_its_kept_client(contact):
    below = signal(status="Niet opgepakt: onterecht signaal", contact=client_details(contact))
    records = PeriodRecords(signals=[below])
    (entry,) = build(records)["leveringen"][0]["vroegsignalen"]
    assert entry["status"] == "Niet opgepakt: onterecht signaal" and entry["client"] == client(contact)
    assert set(entry["client"]) in ({"burgerservicenummer"}, {"postcode", "huisnummer", "huisnummertoevoeging",
                                                              "geboortedatum"})
    assert withheld(records) == 0


def test_a_short_bsn_falls_back_to_the_address():
    assert client(PERSON.model_copy(update={"bsn": "12345678"}))["postcode"] == "1191BK"


RESIDENTS = [PERSON, NO_BSN,
             ContactDetails(bsn="999012345", initials="B.J.", surname="Zonnebloem", street="Kerkpad", house_number=7,
                            postcode="1186AB", city="Amstelveen", birth_date=date(1970, 2, 3)),
             ContactDetails(initials="C.", prefix="de", surname="Vries", street="Amsteldijk", house_number=99,
                            house_letter="B", postcode="1191 AC", city="Duivendrecht")]


def test_the_delivery_bytes_hold_no_name_street_city_phone_or_email_of_any_resident():
    signals = [signal(contact=resident) for resident in RESIDENTS]
    document = build(PeriodRecords(signals=signals, cases=[case(signals[:2])]))
    serialized = json.dumps(document, ensure_ascii=False).encode()
    for resident in RESIDENTS:
        for value in (resident.surname, resident.initials, resident.street, resident.city, resident.phone,
                      resident.email, f"{resident.prefix} {resident.surname}" if resident.prefix else None):
            if value:
                assert value.encode() not in serialized, value
    for key in (b"naam\": \"A.", b"Achternaam", b"Voorletters", b"Straatnaam", b"Plaatsnaam", b"straat", b"plaats"):
        assert key not in serialized
    assert b"999012345" in serialized and b"1191AC" in serialized  # what v1.2 does ask for is there


@pytest.mark.parametrize("category", list(DDAS_PARTNER_TYPE))
def test_partner_types_follow_the_contracts_mapping(category):
    (entry,) = build(PeriodRecords(signals=[signal(category)]))["leveringen"][0]["vroegsignalen"]
    assert entry["signaalpartner"] == {"type": DDAS_PARTNER_TYPE[category]}


def test_a_repeat_that_joined_a_case_appears_once_with_its_not_picked_up_status():
    signal_id = uuid.uuid4()
    in_case = signal(signal_id=signal_id)
    repeat = SignalRecord(signal_id, "0437", Category.RENT, "Niet opgepakt: herhaalde melding", None)
    document = build(PeriodRecords(signals=[in_case, repeat], cases=[case([in_case])]))
    (entry,) = document["leveringen"][0]["vroegsignalen"]
    assert entry["status"] == "Niet opgepakt: herhaalde melding"
    assert entry["signaaldatum"] == "2025-01-05" and entry["client"] == {"burgerservicenummer": "123456782"}


@pytest.mark.parametrize(("outcome", "status"), [
    ("Inwoner al bekend bij schuldhulpverlening", "Inwoner al bekend bij schuldhulpverlening"),
    ("Inwoner is overleden", "Inwoner is overleden"),
    ("Vervolghulp en/of verwijzing", "Opgepakt"),
    ("Verwijzing zonder tussenkomst inwoner", "Opgepakt"),
    (None, "Opgepakt"),
])
def test_a_case_that_ends_in_a_signal_status_hands_it_to_its_signals(outcome, status):
    rent = signal()
    levering = build(PeriodRecords(signals=[rent], cases=[case([rent], outcome=outcome)]))["leveringen"][0]
    assert levering["vroegsignalen"][0]["status"] == status
    assert levering["vroegsignaalzaken"][0].get("resultaat") == outcome


# Signals that ended in their case (CaseBasisChanged)

def test_a_withdrawn_signal_in_a_case_is_not_picked_up_as_sent_in_error_and_a_resolved_one_stays_picked_up():
    withdrawn, resolved, still_open = signal(ended="withdrawn"), signal(Category.WATER, ended="resolved"), signal()
    levering = build(PeriodRecords(signals=[withdrawn, resolved, still_open],
                                   cases=[case([withdrawn, resolved, still_open])]))["leveringen"][0]
    statuses = {s["ID"]: s["status"] for s in levering["vroegsignalen"]}
    assert statuses == {str(withdrawn.signal_id): "Niet opgepakt: onterecht signaal",
                        str(resolved.signal_id): "Opgepakt", str(still_open.signal_id): "Opgepakt"}
    (zaak,) = levering["vroegsignaalzaken"]
    assert len(zaak["vroegsignalen"]) == 3 and "resultaat" not in zaak  # still open: no result yet


def test_a_case_that_rested_only_on_withdrawn_signals_is_delivered_with_its_letter_and_result():
    rent, water = signal(ended="withdrawn"), signal(Category.WATER, ended="withdrawn")
    closed = case([rent, water], outcome="Niet opgepakt: onterecht signaal",
                  attempts=[AttemptRecord("Brief", False, date(2025, 1, 6), "Ochtend")])
    levering = build(PeriodRecords(signals=[rent, water], cases=[closed]))["leveringen"][0]
    (zaak,) = levering["vroegsignaalzaken"]
    assert zaak["resultaat"] == "Niet opgepakt: onterecht signaal"
    assert {s["ID"] for s in zaak["vroegsignalen"]} == {str(rent.signal_id), str(water.signal_id)}
    assert [p["soort"] for p in zaak["contactpogingen"]] == ["Brief"]  # the letter went out: it stays an attempt
    assert {s["status"] for s in levering["vroegsignalen"]} == {"Niet opgepakt: onterecht signaal"}


@pytest.mark.parametrize(("outcome", "ended", "status"), [
    # Resolved, then the last signal withdrawn: the resolved one was picked up all the same.
    ("Niet opgepakt: onterecht signaal", "resolved", "Opgepakt"),
    ("Inwoner is overleden", "resolved", "Opgepakt"),
    ("Inwoner is overleden", "withdrawn", "Niet opgepakt: onterecht signaal"),
    ("Inwoner heeft zelf al betaald/betalingsregeling getroffen", "resolved", "Opgepakt"),
    ("Inwoner heeft zelf al betaald/betalingsregeling getroffen", "withdrawn", "Niet opgepakt: onterecht signaal"),
])
def test_a_signal_that_ended_keeps_its_own_status_whatever_its_case_ended_in(outcome, ended, status):
    early, last = signal(ended=ended), signal(Category.WATER, ended="withdrawn")
    document = build(PeriodRecords(signals=[early, last], cases=[case([early, last], outcome=outcome)]))
    statuses = {s["ID"]: s["status"] for s in document["leveringen"][0]["vroegsignalen"]}
    assert statuses[str(early.signal_id)] == status


def test_a_withdrawn_repeat_in_a_case_is_sent_in_error_whichever_record_comes_first():
    signal_id = uuid.uuid4()
    in_case = signal(signal_id=signal_id, ended="withdrawn")
    repeat = SignalRecord(signal_id, "0437", Category.RENT, "Niet opgepakt: herhaalde melding", None)
    for order in ([in_case, repeat], [repeat, in_case]):
        (entry,) = build(PeriodRecords(signals=order, cases=[case([in_case])]))["leveringen"][0]["vroegsignalen"]
        assert entry["status"] == "Niet opgepakt: onterecht signaal"


def test_status_of_a_signal_without_a_case_is_its_own():
    assert status_of(signal(status="Niet opgepakt: andere reden"), None) == "Niet opgepakt: andere reden"
    assert status_of(signal(), "Inwoner is overleden") == "Inwoner is overleden"
    assert status_of(signal(), "(Budget)advies en/of quick fix") == "Opgepakt"


def test_a_case_rests_on_withdrawn_signals_only_when_every_signal_was_withdrawn():
    assert all_withdrawn(["withdrawn", "withdrawn"])
    assert not all_withdrawn(["withdrawn", "resolved"]) and not all_withdrawn(["withdrawn", None])
    assert not all_withdrawn([])


def test_each_municipality_gets_its_own_levering_counted_by_teller():
    here, there = signal(), signal(municipality_code="0362", contact=NO_BSN)
    document = build(PeriodRecords(signals=[here, there], cases=[case([there], municipality_code="0362")]))
    assert [(lv["teller"], lv["gemeentecode"], len(lv["vroegsignalen"]), len(lv["vroegsignaalzaken"]))
            for lv in document["leveringen"]] == [(1, "0362", 1, 1), (2, "0437", 1, 0)]
    assert document["leveringen"][0]["aanleverendeOrganisatie"] == {"naam": "Gemeente 0362"}
    by_code = {lv["gemeentecode"]: lv for lv in document["leveringen"]}
    assert [s["ID"] for s in by_code["0362"]["vroegsignalen"]] == [str(there.signal_id)]
    assert [s["ID"] for s in by_code["0437"]["vroegsignalen"]] == [str(here.signal_id)]


def test_an_empty_month_is_still_a_valid_delivery_for_each_municipality():
    document = build(PeriodRecords())
    assert [(lv["gemeentecode"], lv["vroegsignalen"], lv["vroegsignaalzaken"]) for lv in document["leveringen"]] == [
        ("0437", [], [])]


# Validation before anything leaves

def test_an_invalid_delivery_is_refused_naming_the_place_but_not_the_value():
    document = build(PeriodRecords(signals=[signal()]))
    document["leveringen"][0]["vroegsignalen"][0]["status"] = "Opgepakt door Jansen"
    with pytest.raises(DeliveryInvalid) as raised:
        validate(document)
    assert raised.value.problems == ["leveringen/0/vroegsignalen/0/status: enum"]
    assert "Jansen" not in str(raised.value)


def test_a_client_with_a_name_is_refused():
    document = build(PeriodRecords(signals=[signal(contact=NO_BSN)]))
    document["leveringen"][0]["vroegsignalen"][0]["client"]["achternaam"] = "Dijk"
    with pytest.raises(DeliveryInvalid) as raised:
        validate(document)
    assert "leveringen/0/vroegsignalen/0/client: additionalProperties" in raised.value.problems
    assert "Dijk" not in str(raised.value)


def test_a_bsn_with_other_client_fields_is_refused():
    document = build(PeriodRecords(signals=[signal()]))
    document["leveringen"][0]["vroegsignalen"][0]["client"]["geboortedatum"] = "1985-06-15"
    with pytest.raises(DeliveryInvalid, match="client: oneOf"):
        validate(document)


@pytest.mark.parametrize(("place", "value"), [
    (("aanleverdatumEnTijd",), "2025-02-05 10:30"),
    (("aanleverdatumEnTijd",), "2025-02-30T10:30:12Z"),
    (("startdatumLevering",), "2025-13-01"),
    (("leveringen", 0, "vroegsignalen", 0, "signaaldatum"), "5 januari 2025"),
    (("leveringen", 0, "aanleverendeOrganisatie", "contactpersonen", 0, "email"), "geen adres"),
])
def test_formats_are_checked(place, value):
    document = build(PeriodRecords(signals=[signal()]))
    *parents, last = place
    target = document
    for step in parents:
        target = target[step]
    target[last] = value
    with pytest.raises(DeliveryInvalid) as raised:
        validate(document)
    assert raised.value.problems == [f"{'/'.join(map(str, place))}: format"]
    assert value not in str(raised.value)
