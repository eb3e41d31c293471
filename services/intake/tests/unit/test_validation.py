"""The one validation path: every bad value is refused with its field named, except an invalid
optional contact detail, which is left out with a warning; good values are normalised (postcode,
phone, amount) or kept exactly (names)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.domain.partners import Partner
from intake.domain.validation import ValidationContext, ValidReport, decode_json, readable_report_id, validate_report
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


def accepted(data, sender="eigen-haard") -> ValidReport:
    result = validate_report(data, sender=sender, context=CONTEXT)
    assert isinstance(result, ValidReport), result
    return result


def valid(data, sender="eigen-haard") -> PartnerReportV1:
    result = accepted(data, sender)
    assert not result.warnings, result.warnings
    return result.report


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


# An invalid optional contact detail: the report is accepted without it, and the partner warned.
WARNED = [
    # (what, the change, the field left out)
    ("a phone number too short", {"client__phone": "12"}, "client.phone"),
    ("a phone number that is text", {"client__phone": "bel maar"}, "client.phone"),
    ("a phone number that is no string", {"client__phone": 612345678}, "client.phone"),
    ("a NUL character in a phone number", {"client__phone": "06\x0012345678"}, "client.phone"),
    ("an e-mail address without @", {"client__email": "a.jansen.example.nl"}, "client.email"),
    ("an e-mail address with two @", {"client__email": "a@b@example.nl"}, "client.email"),
]


@pytest.mark.parametrize(("what", "change", "field"), WARNED, ids=[case[0] for case in WARNED])
@pytest.mark.parametrize("form", ["nested", "flat"])
def test_an_invalid_optional_contact_detail_is_left_out_with_a_warning(what, change, field, form):
    data = report(**change)
    result = accepted(data if form == "nested" else flat(data))
    assert [w.field for w in result.warnings] == [field]
    assert getattr(result.report.client, field.removeprefix("client.")) is None
    # Everything else is taken as sent.
    other = "email" if field == "client.phone" else "phone"
    assert getattr(result.report.client, other) == getattr(valid(report()).client, other)
    assert result.report.arrears == valid(report()).arrears


def test_a_bad_phone_names_the_field_and_the_reason_but_never_the_value():
    result = accepted(report(client__phone="0612 bel 3456789"))
    warning, = result.warnings
    assert warning.field == "client.phone" and warning.reason.startswith("not a")
    assert "3456789" not in repr(result.warnings) and "0612" not in repr(result.warnings)


def test_both_contact_details_may_be_left_out_at_once():
    result = accepted(report(client__phone="12", client__email="kapot@@example.nl"))
    assert {w.field for w in result.warnings} == {"client.phone", "client.email"}
    assert (result.report.client.phone, result.report.client.email) == (None, None)


@pytest.mark.parametrize(("strict_change", "strict_field"), [
    ({"client__bsn": "123456789"}, "client.bsn"),
    ({"client__postcode": "1234 SS"}, "client.postcode"),
    ({"client__birth_date": "2027-01-01"}, "client.birth_date"),
    ({"client__house_letter": "AB"}, "client.house_letter"),
    ({"arrears__category": "water"}, "arrears.category"),
])
def test_a_report_refused_for_a_strict_field_names_the_contact_detail_too(strict_change, strict_field):
    assert fields_of(report(client__phone="12", **strict_change)) == {"client.phone", strict_field}


def test_a_nul_in_a_phone_number_does_not_hide_the_other_problems():
    assert fields_of(report(client__phone="06\x00", client__postcode="1234 SS")) == {"client.phone", "client.postcode"}


@pytest.mark.parametrize("unstorable", ["\x00", "\udfff"], ids=["NUL", "unpaired surrogate"])
@pytest.mark.parametrize("where", ["a key", "a list item", "a nested key"])
def test_unstorable_text_anywhere_in_a_report_is_refused(unstorable, where):
    data = report()
    if where == "a key":
        data[f"note{unstorable}"] = "x"
    elif where == "a list item":
        data["notes"] = ["x", f"y{unstorable}"]
    else:
        data["client"][f"bijzonderheden{unstorable}"] = "x"
    assert "contains a NUL character or an unpaired surrogate" in reasons_of(data).values()


def test_a_valid_report_has_no_warnings():
    assert accepted(report()).warnings == ()


@pytest.mark.parametrize(("given_amount", "expected"), [
    ("89.5", "89.50"), ("1200", "1200.00"), (89.5, "89.50"), (1200, "1200.00"), ("812.50", "812.50"), ("1E+3", "1000.00"),
])
def test_the_amount_travels_with_two_decimals(given_amount, expected):
    parsed = valid(report(arrears__amount=given_amount))
    assert parsed.model_dump(mode="json")["arrears"]["amount"] == expected


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_every_valid_amount_keeps_its_value_with_exactly_two_decimals(amount):
    for sent in (str(amount), str(amount.normalize())):
        parsed = valid(report(arrears__amount=sent)).arrears.amount
        assert parsed == amount and parsed.as_tuple().exponent == -2


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
