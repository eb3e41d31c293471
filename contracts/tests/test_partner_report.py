"""The partner report v1 contract: what passes, what is refused, and how values are normalised."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_report import PartnerReportV1
from vroeg_contracts.privacy import SealedContact

TODAY = date(2026, 11, 26)


def report(**overrides):
    base = {
        "report_id": "EH-1", "partner_id": "eigen-haard",
        "arrears": {"category": "rent", "municipality_code": "0437", "signal_date": "2026-11-20", "status": "open",
                    "amount": "812.50", "arrears_since": "2026-09-01"},
        "client": {"initials": "A.", "surname": "Çelik", "street": "Dorpsstraat", "house_number": 12,
                   "postcode": "1191 ab", "city": "Ouderkerk aan de Amstel"},
    }
    for path, value in overrides.items():
        group, _, name = path.rpartition("__")
        (base[group] if group else base)[name] = value
    return base


def validate(data):
    return PartnerReportV1.model_validate(data, context={"today": TODAY})


def error_fields(data) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        validate(data)
    return {".".join(map(str, e["loc"])) for e in caught.value.errors()}


def test_a_valid_report_is_normalised():
    parsed = validate(report(client__phone="06 1234 5678", client__house_letter="b"))
    assert parsed.client.postcode == "1191AB"
    assert parsed.client.phone == "+31612345678"
    assert parsed.client.house_letter == "B"
    assert parsed.client.surname == "Çelik"


def test_flat_fields_are_nested_as_in_csv():
    flat = {"report_id": "EH-2", "partner_id": "eigen-haard", **report()["arrears"], **report()["client"]}
    assert validate(flat).arrears.category == "rent"


@pytest.mark.parametrize(("path", "value", "field"), [
    ("client__bsn", "123456789", "client.bsn"),
    ("client__postcode", "0123 AB", "client.postcode"),
    ("client__house_number", 0, "client.house_number"),
    ("client__house_letter", "AB", "client.house_letter"),
    ("client__phone", "12", "client.phone"),
    ("client__email", "not-an-address", "client.email"),
    ("arrears__amount", "-5", "arrears.amount"),
    ("arrears__amount", "1.234", "arrears.amount"),
    ("arrears__category", "gambling", "arrears.category"),
    ("arrears__municipality_code", "437", "arrears.municipality_code"),
    ("arrears__signal_date", "2026-12-01", "arrears.signal_date"),
    ("partner_id", "Eigen Haard", "partner_id"),
])
def test_each_bad_value_names_its_field(path, value, field):
    assert field in error_fields(report(**{path: value}))


def test_arrears_since_after_signal_date_is_refused():
    assert "arrears" in error_fields(report(arrears__arrears_since="2026-11-21"))


def test_a_valid_bsn_passes_the_eleven_check():
    assert validate(report(client__bsn="111222333")).client.bsn == "111222333"


def test_unknown_fields_are_refused():
    assert "client.nickname" in error_fields(report(client__nickname="x"))


def test_a_resolve_may_leave_out_the_client():
    data = report(arrears__status="resolved")
    del data["client"]
    assert validate(data).client is None
    data = report()
    del data["client"]
    assert error_fields(data) == {""}


@pytest.mark.parametrize(("sent", "expected"), [
    ("89.5", "89.50"), ("1200", "1200.00"), (89.5, "89.50"), (1200, "1200.00"), ("0.1", "0.10"),
    ("812.50", "812.50"), ("1.100", "1.10"), ("1e3", "1000.00"),
])
def test_the_amount_is_normalised_to_two_decimals(sent, expected):
    arrears = validate(report(arrears__amount=sent)).arrears
    assert str(arrears.amount) == expected
    assert arrears.model_dump(mode="json")["amount"] == expected


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_an_amount_keeps_its_value_and_travels_with_two_decimals(amount):
    # However the partner wrote it (`89.5`, `89.50`, `8.95E+1`), the bus carries `89.50`.
    for sent in (str(amount), str(amount.normalize()), f"{amount:E}"):
        parsed = validate(report(arrears__amount=sent)).arrears.amount
        assert parsed == amount
        assert str(parsed) == f"{amount:.2f}"


def test_arrears_reported_carries_the_normalised_amount():
    arrears = validate(report(arrears__amount="89.5")).arrears
    event = ArrearsReported(
        signal_id=uuid.uuid4(), partner_id="eigen-haard", report_id="EH-1", category=arrears.category,
        status=arrears.status, amount=arrears.amount, signal_date=arrears.signal_date,
        arrears_since=arrears.arrears_since, crisis=arrears.crisis, warm_handover=arrears.warm_handover,
        person_key=None, contact=SealedContact(key_id="dev-1", ciphertext="AA=="),
    )
    assert '"amount":"89.50"' in event.model_dump_json()
