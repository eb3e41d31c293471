"""A referral package holds only the data categories that were both requested and granted."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from outreach.domain.referral import ArrearsLine, Referral, package
from vroeg_contracts.privacy import ContactDetails

CONTACT = ContactDetails(bsn="123456782", initials="A.", surname="Dijk", street="Dorpsstraat", house_number=10,
                         postcode="1191BK", city="Ouderkerk aan de Amstel", phone="+31612345678",
                         email="a.dijk@example.nl", birth_date=date(1985, 6, 15))
ARREARS = [ArrearsLine("eigen-haard", "rent", Decimal("450.00"), date(2024, 12, 1))]
NOW = datetime(2025, 1, 20, 10, tzinfo=UTC)


def test_only_granted_categories_are_in_the_package():
    referral = Referral(uuid.uuid4(), "schuldhulp-amstelland", "schuldhulpverlening", ("name", "phone", "bsn", "arrears"))
    content = package(referral, ["name", "arrears"], contact=CONTACT, arrears=ARREARS, outcome=None, created_at=NOW)
    assert content["granted_categories"] == ["name", "arrears"]
    assert content["data"] == {"name": {"initials": "A.", "surname": "Dijk"},
                               "arrears": [{"partner_id": "eigen-haard", "category": "rent", "amount": "450.00",
                                            "arrears_since": "2024-12-01"}]}
    text = str(content)
    assert "123456782" not in text and "+31612345678" not in text and "Dorpsstraat" not in text


def test_a_grant_beyond_the_request_adds_nothing():
    referral = Referral(uuid.uuid4(), "schuldhulp-amstelland", "schuldhulpverlening", ("address",))
    content = package(referral, ["address", "bsn", "email"], contact=CONTACT, arrears=ARREARS, outcome="x",
                      created_at=NOW)
    assert set(content["data"]) == {"address"}
    assert content["data"]["address"] == {"street": "Dorpsstraat", "house_number": 10, "postcode": "1191BK",
                                          "city": "Ouderkerk aan de Amstel"}


def test_dates_and_the_outcome_are_plain_values():
    referral = Referral(uuid.uuid4(), "kredietbank", "schuldhulpverlening", ("birth_date", "outcome"))
    content = package(referral, ["birth_date", "outcome"], contact=CONTACT, arrears=[],
                      outcome="Vervolghulp en/of verwijzing financieel", created_at=NOW)
    assert content["data"] == {"birth_date": {"birth_date": "1985-06-15"},
                               "outcome": "Vervolghulp en/of verwijzing financieel"}
