"""The one validation path: every bad value is refused with its field named, and good values are
normalised (postcode, phone) or kept exactly (names)."""

from datetime import date

import pytest

from intake.domain.partners import Partner
from intake.domain.validation import ValidationContext, decode_json, readable_report_id, validate_report
from vroeg_contracts.partner_report import Category, PartnerReportV1
from vroeg_runtime.logs import redact_text

TODAY = date(2026, 11, 26)
# An installation for Ouder-Amstel (0437) and Amstelveen (0362): eigen-haard and waternet are
# registered for Ouder-Amstel only, vgz for both.
PARTNERS = {"eigen-haard": Partner("eigen-haard", "Eigen Haard", frozenset({Category.RENT}), "0" * 64,
                                   frozenset({"0437"})),
            "waternet": Partner("waternet", "Waternet", frozenset({Category.WATER}), "1" * 64, frozenset({"0437"})),
            "vgz": Partner("vgz", "VGZ", frozenset({Category.HEALTH_INSURANCE}), "2" * 64, frozenset({"0437", "0362"}))}
CONTEXT = ValidationContext(PARTNERS, frozenset({"0437", "0362"}), TODAY, redact_text)


def report(**changes):
    """A valid nested report; `group__name=value` changes a field, `group__name=...` removes it."""
    data = {
        "report_id": "EH-1", "partner_id": "eigen-haard",
        "arrears": {"category": "rent", "municipality_code": "0437", "signal_date": "2026-11-20", "status": "open",
                    "amount": "812.50", "arrears_since": "2026-09-01"},
        "client": {"initials": "A.", "surname": "Jansen", "street": "Dorpsstraat", "house_number": 12,
                   "postcode": "1191 AB", "city": "Ouderkerk aan de Amstel", "bsn": "111222333",
                   "phone": "0612345678", "email": "a.jansen@example.nl"},
    }
    for path, value in changes.items():
        group, _, name = path.rpartition("__")
        target = data[group] if group else data
        if value is ...:
            target.pop(name, None)
        else:
            target[name] = value
    return data


def flat(data):
    return {k: v for k, v in data.items() if k not in ("arrears", "client")} | data["arrears"] | data["client"]


def reasons_of(data, sender="eigen-haard"):
    """The reasons of a rejection, by field."""
    result = validate_report(data, sender=sender, context=CONTEXT)
    assert isinstance(result, list), "expected a rejection"
    return {error.field: error.reason for error in result}


def fields_of(data, sender="eigen-haard"):
    return set(reasons_of(data, sender))


def valid(data, sender="eigen-haard") -> PartnerReportV1:
    result = validate_report(data, sender=sender, context=CONTEXT)
    assert isinstance(result, PartnerReportV1), result
    return result


BAD = [
    # (what, the change, the field named)
    ("no report id", {"report_id": ...}, "report_id"),
    ("a report id with spaces", {"report_id": "EH 1"}, "report_id"),
    ("an unknown field", {"client__nickname": "Jan"}, "client.nickname"),
    ("no arrears at all", {"arrears": ...}, "arrears"),
    ("a client that is no object", {"client": "Jansen"}, "client"),
    ("an open report without client", {"client": ...}, "client"),
    ("a BSN failing the 11-check", {"client__bsn": "123456789"}, "client.bsn"),
    ("a BSN with letters", {"client__bsn": "11122233A"}, "client.bsn"),
    ("a postcode starting with 0", {"client__postcode": "0123 AB"}, "client.postcode"),
    ("a postcode without letters", {"client__postcode": "1234"}, "client.postcode"),
    ("a postcode with SA/SD/SS", {"client__postcode": "1234 SS"}, "client.postcode"),
    ("no postcode", {"client__postcode": ...}, "client.postcode"),
    ("house number 0", {"client__house_number": 0}, "client.house_number"),
    ("a house number with a letter in it", {"client__house_number": "12a"}, "client.house_number"),
    ("a house number of 6 digits", {"client__house_number": 100000}, "client.house_number"),
    ("a house letter of two letters", {"client__house_letter": "AB"}, "client.house_letter"),
    ("a house letter that is a digit", {"client__house_letter": "1"}, "client.house_letter"),
    ("an addition of five characters", {"client__house_number_addition": "12345"}, "client.house_number_addition"),
    ("an addition with a dash", {"client__house_number_addition": "-2"}, "client.house_number_addition"),
    ("a signal date in the future", {"arrears__signal_date": "2026-11-27"}, "arrears.signal_date"),
    ("a signal date that is no date", {"arrears__signal_date": "2026-13-01"}, "arrears.signal_date"),
    ("arrears since after the signal date", {"arrears__arrears_since": "2026-11-21"}, "arrears.arrears_since"),
    ("a birth date in the future", {"client__birth_date": "2027-01-01"}, "client.birth_date"),
    ("a negative amount", {"arrears__amount": "-5"}, "arrears.amount"),
    ("a zero amount", {"arrears__amount": "0"}, "arrears.amount"),
    ("three decimals", {"arrears__amount": "12.345"}, "arrears.amount"),
    ("an amount that is no number", {"arrears__amount": "veel"}, "arrears.amount"),
    ("a decimal comma outside CSV", {"arrears__amount": "12,50"}, "arrears.amount"),
    ("no amount on an open report", {"arrears__amount": ...}, "arrears.amount"),
    ("an unknown category", {"arrears__category": "gas"}, "arrears.category"),
    ("a category the partner may not report", {"arrears__category": "water"}, "arrears.category"),
    ("an unknown status", {"arrears__status": "paid"}, "arrears.status"),
    ("a municipality code of three digits", {"arrears__municipality_code": "437"}, "arrears.municipality_code"),
    ("a municipality not served", {"arrears__municipality_code": "0363"}, "arrears.municipality_code"),
    ("a municipality the partner does not report for", {"arrears__municipality_code": "0362"},
     "arrears.municipality_code"),
    ("another partner's id", {"partner_id": "waternet"}, "partner_id"),
    ("a partner id that is no slug", {"partner_id": "Eigen Haard"}, "partner_id"),
    ("a phone number too short", {"client__phone": "12"}, "client.phone"),
    ("a phone number that is text", {"client__phone": "bel maar"}, "client.phone"),
    ("an e-mail address without @", {"client__email": "a.jansen.example.nl"}, "client.email"),
    ("an e-mail address with two @", {"client__email": "a@b@example.nl"}, "client.email"),
    ("a NUL character in a name", {"client__surname": "Jan\x00sen"}, "client.surname"),
    ("an unpaired surrogate in a city", {"client__city": "Ouderkerk \ud800"}, "client.city"),
    ("an empty surname", {"client__surname": ""}, "client.surname"),
    ("crisis that is no boolean", {"arrears__crisis": "misschien"}, "arrears.crisis"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD, ids=[case[0] for case in BAD])
def test_a_bad_value_is_refused_with_its_field_named(what, change, field):
    assert fields_of(report(**change)) == {field}


@pytest.mark.parametrize(("what", "change", "field"), BAD, ids=[case[0] for case in BAD])
def test_the_flat_form_names_the_same_field(what, change, field):
    data = report(**change)
    if not isinstance(data.get("arrears"), dict) or not isinstance(data.get("client"), dict):
        pytest.skip("only a nested report has a flat form")
    expected = "nickname" if what == "an unknown field" else field  # a flat unknown field is named as sent
    assert expected in fields_of(flat(data))


def test_every_problem_is_named_at_once():
    data = report(client__postcode="0000 XX", arrears__category="water", arrears__municipality_code="0363",
                  client__bsn="123456789")
    assert fields_of(data) == {"client.postcode", "arrears.category", "arrears.municipality_code", "client.bsn"}


def test_a_partner_reports_only_for_the_municipalities_it_is_registered_with():
    data = report(partner_id="waternet", arrears__category="water", arrears__municipality_code="0362")
    assert reasons_of(data, sender="waternet") == {
        "arrears.municipality_code": "partner 'waternet' does not report for municipality 0362 (it reports for 0437)"}
    assert valid(report(partner_id="waternet", arrears__category="water"), sender="waternet")


def test_a_partner_registered_with_both_municipalities_reports_for_either():
    for municipality in ("0437", "0362"):
        data = report(partner_id="vgz", arrears__category="health_insurance", arrears__municipality_code=municipality)
        assert valid(data, sender="vgz").arrears.municipality_code == municipality
    assert reasons_of(report(partner_id="vgz", arrears__category="health_insurance",
                             arrears__municipality_code="0363"), sender="vgz") == {
        "arrears.municipality_code": "municipality 0363 is not served by this installation"}


def test_a_municipality_the_installation_does_not_serve_is_named_as_such_whoever_sends_it():
    # Not served at all is the reason, not the partner's registration: the municipality must be added first.
    assert reasons_of(report(arrears__municipality_code="0363")) == {
        "arrears.municipality_code": "municipality 0363 is not served by this installation"}
    unserved = ValidationContext(PARTNERS, frozenset({"0437"}), TODAY, redact_text)
    result = validate_report(report(partner_id="vgz", arrears__category="health_insurance",
                                    arrears__municipality_code="0362"), sender="vgz", context=unserved)
    assert [(e.field, e.reason) for e in result] == [
        ("arrears.municipality_code", "municipality 0362 is not served by this installation")]


def test_the_municipality_is_checked_for_the_sending_partner_not_the_claimed_one():
    # vgz may report for Amstelveen, eigen-haard may not: a report claiming to be vgz's changes nothing.
    data = report(partner_id="vgz", arrears__municipality_code="0362")
    assert reasons_of(data)["arrears.municipality_code"] == (
        "partner 'eigen-haard' does not report for municipality 0362 (it reports for 0437)")


def test_a_report_that_is_not_an_object_is_refused():
    assert fields_of(["a", "list"]) == {"(report)"}
    assert fields_of(None) == {"(report)"}


@pytest.mark.parametrize(("given", "expected"), [("1191 ab", "1191AB"), ("1191ab", "1191AB"), (" 1191  AB ", "1191AB")])
def test_the_postcode_is_normalised(given, expected):
    assert valid(report(client__postcode=given)).client.postcode == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("0612345678", "+31612345678"), ("06-12345678", "+31612345678"), ("+31 6 1234 5678", "+31612345678"),
    ("020 123 4567", "+31201234567"), ("0032 470 12 34 56", "+32470123456"),
])
def test_the_phone_number_becomes_e164(given, expected):
    assert valid(report(client__phone=given)).client.phone == expected


@pytest.mark.parametrize("surname", ["Çelik", "d'Hondt", "Nguyễn", "Öztürk", "El Amrani", "Ødegård-Łukasz", "渡辺"])
def test_unicode_names_survive_unchanged(surname):
    parsed = valid(report(client__surname=surname, client__prefix="van der", client__initials="Ş.Ç."))
    assert (parsed.client.surname, parsed.client.prefix, parsed.client.initials) == (surname, "van der", "Ş.Ç.")


def test_house_letter_and_addition_are_kept_upper_case():
    parsed = valid(report(client__house_letter="b", client__house_number_addition="bis"))
    assert (parsed.client.house_letter, parsed.client.house_number_addition) == ("B", "BIS")


def test_a_resolve_may_leave_out_the_client_and_the_amount():
    assert valid(report(client=..., arrears__status="resolved", arrears__amount=...)).client is None


def test_a_reason_never_repeats_the_value():
    data = report(client__email="jan.geheim@[1.2.3]", client__bsn="987654321", client__postcode="9999 SS")
    result = validate_report(data, sender="eigen-haard", context=CONTEXT)
    text = repr(result)
    for secret in ("jan.geheim", "1.2.3", "987654321", "9999"):
        assert secret not in text


def test_field_names_from_the_sender_are_kept_printable_and_short():
    fields = fields_of(report(**{"client__a\x00b" + "x" * 500: 1}))
    name, = fields
    assert "\x00" not in name and len(name) <= 101


@pytest.mark.parametrize(("raw", "reason"), [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    (b"[" * 900 + b"]" * 900, "nested more than"),
    (b'{"client": ' * 17 + b"1" + b"}" * 17, "nested more than"),
    (b"1" * 5000, "too long"),
])
def test_bytes_that_are_not_json_are_named_as_the_body(raw, reason):
    data, errors = decode_json(raw)
    assert data is None and [e.field for e in errors] == ["(body)"] and reason in errors[0].reason


def test_a_bom_before_json_is_allowed():
    assert decode_json(b"\xef\xbb\xbf{}") == ({}, [])


@pytest.mark.parametrize(("data", "expected"), [
    ({"report_id": "EH-1"}, "EH-1"), ({"report_id": "with space"}, None), ({"report_id": 12}, None),
    ({"report_id": "x" * 101}, None), ([], None),
])
def test_only_a_well_formed_report_id_is_echoed(data, expected):
    assert readable_report_id(data) == expected
