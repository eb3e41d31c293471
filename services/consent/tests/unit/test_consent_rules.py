"""Registering, withdrawing and using: the rules that hold however the request arrived."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from consent.domain.consents import Channel, ConsentError, ConsentStatus, register
from consent.domain.grants import Grant

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def new(**overrides):
    fields = {"municipality_code": "0437", "person_key": "p", "recipient": "schuldhulp-amstelland",
              "purpose": "referral", "data_categories": ["arrears"], "given_at": NOW - timedelta(days=1),
              "valid_until": NOW + timedelta(days=90),
              "registered_by": "dev-caseworker", "channel": Channel.LETTER, "now": NOW}
    return register(**{**fields, **overrides})


@pytest.mark.parametrize(("overrides", "field"), [
    ({"data_categories": []}, "data_categories"),
    ({"data_categories": ["arrears", "arrears"]}, "data_categories"),
    ({"given_at": NOW + timedelta(minutes=1)}, "given_at"),
    ({"valid_until": NOW - timedelta(days=1)}, "valid_until"),
])
def test_registration_errors_name_the_field(overrides, field):
    with pytest.raises(ConsentError) as raised:
        new(**overrides)
    assert raised.value.field == field


def test_status_follows_time_and_withdrawal():
    consent = new()
    assert consent.status_at(NOW) is ConsentStatus.ACTIVE
    assert consent.status_at(NOW + timedelta(days=90)) is ConsentStatus.EXPIRED
    assert consent.status_at(NOW - timedelta(days=2)) is ConsentStatus.NOT_YET_VALID
    withdrawn = consent.withdraw(NOW)
    assert withdrawn.status_at(NOW) is ConsentStatus.WITHDRAWN
    assert withdrawn.status_at(NOW - timedelta(seconds=1)) is ConsentStatus.ACTIVE


def test_withdrawing_twice_is_refused_and_the_first_moment_stands():
    withdrawn = new().withdraw(NOW)
    with pytest.raises(ConsentError, match="already withdrawn"):
        withdrawn.withdraw(NOW + timedelta(hours=1))


def grant(**overrides):
    fields = dict(request_id=uuid.uuid4(), consent_id=uuid.uuid4(), person_key="p", household_key="h",
                  municipality_code="0437", correlation_id=uuid.uuid4(), request_event_id=uuid.uuid4(),
                  used_at=None, revoked_at=None)
    return Grant(**{**fields, **overrides})


def test_a_grant_can_be_used_once_and_never_after_revocation():
    grant().check_usable()
    with pytest.raises(ConsentError, match="already used"):
        grant(used_at=NOW).check_usable()
    with pytest.raises(ConsentError, match="revoked"):
        grant(revoked_at=NOW).check_usable()
