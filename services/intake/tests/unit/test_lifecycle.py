"""What a report means next to what is held under its id: new, duplicate, update, or a refused change."""

from datetime import date

import pytest

from intake.domain.lifecycle import Change, assess, canonical, merged, version_digest
from vroeg_contracts.partner_report import PartnerReportV1

TODAY = date(2026, 11, 26)


def report(status="open", client=True, **arrears_changes):
    data = {
        "report_id": "EH-1", "partner_id": "eigen-haard",
        "arrears": {"category": "rent", "municipality_code": "0437", "signal_date": "2026-11-20", "status": status,
                    "amount": "812.50", "arrears_since": "2026-09-01", **arrears_changes},
    }
    if client:
        data["client"] = {"surname": "Çelik", "street": "Dorpsstraat", "house_number": 12, "postcode": "1191AB",
                          "city": "Ouderkerk aan de Amstel", "bsn": "111222333"}
    return PartnerReportV1.model_validate(data, context={"today": TODAY})


def with_client(**changes):
    data = canonical(report())
    data["client"].update(changes)
    return PartnerReportV1.model_validate(data, context={"today": TODAY})


HELD = canonical(report())


def test_a_first_report_is_new():
    assert assess(report(), None).change is Change.NEW


def test_a_first_report_without_client_is_refused():
    assert [e.field for e in assess(report("resolved", client=False), None).errors] == ["client"]


def test_the_identical_report_is_a_duplicate():
    assert assess(report(), HELD).change is Change.DUPLICATE


def test_the_same_amount_written_otherwise_is_a_duplicate():
    assert assess(report(amount="812.5"), HELD).change is Change.DUPLICATE


@pytest.mark.parametrize("status", ["resolved", "withdrawn"])
def test_a_resolve_or_withdrawal_is_an_update_and_keeps_the_client(status):
    closing = report(status, client=False)
    assert assess(closing, HELD).change is Change.UPDATED
    assert merged(closing, HELD).client.surname == "Çelik"


def test_a_closing_sent_twice_is_a_duplicate():
    closed = canonical(merged(report("resolved", client=False), HELD))
    assert assess(report("resolved", client=False), closed).change is Change.DUPLICATE


def test_an_earlier_version_sent_again_is_a_duplicate_not_a_reopening():
    closed = canonical(merged(report("resolved", client=False), HELD))
    assert assess(report(), closed, {version_digest(HELD), version_digest(closed)}).change is Change.DUPLICATE
    refused = assess(report(), closed, {version_digest(closed)})
    assert [e.field for e in refused.errors] == ["arrears.status"]


def test_a_changed_amount_or_phone_is_an_update():
    assert assess(report(amount="900.00"), HELD).change is Change.UPDATED
    assert assess(with_client(phone="+31612345678"), HELD).change is Change.UPDATED


@pytest.mark.parametrize(("change", "field"), [
    (lambda: report(category="water"), "arrears.category"),
    (lambda: report(arrears_since="2026-08-01"), "arrears.arrears_since"),
    (lambda: with_client(postcode="1191AC"), "client.postcode"),
    (lambda: with_client(house_number=14), "client.house_number"),
    (lambda: with_client(bsn="123456782"), "client.bsn"),
    (lambda: with_client(house_letter="A"), "client.house_letter"),
])
def test_a_change_to_an_immutable_field_is_refused_with_the_field(change, field):
    assessment = assess(change(), HELD)
    assert assessment.change is None
    assert [e.field for e in assessment.errors] == [field]
