"""The scope rule: staff see and change only their own municipalities' residents; anything else is
refused as "not found", and the refusal names who asked and for which municipality, never the resident."""

import uuid

import pytest

from consent.domain.audit import json_safe
from consent.domain.scope import OutOfScope, in_scope, municipalities_to_list, require_in_scope
from consent.domain.staff import Role, StaffMember

OUDER_AMSTEL, AMSTELVEEN = "0437", "0362"
CASEWORKER_0437 = StaffMember("cw-0437", Role.CASEWORKER, frozenset({OUDER_AMSTEL}))
CASEWORKER_0362 = StaffMember("cw-0362", Role.CASEWORKER, frozenset({AMSTELVEEN}))
REGION = StaffMember("supervisor-region", Role.SUPERVISOR, frozenset({OUDER_AMSTEL, AMSTELVEEN}))
ADMIN_0437 = StaffMember("admin", Role.ADMIN, frozenset({OUDER_AMSTEL}))


@pytest.mark.parametrize(("staff", "municipality", "expected"), [
    (CASEWORKER_0437, OUDER_AMSTEL, True),
    (CASEWORKER_0437, AMSTELVEEN, False),
    (CASEWORKER_0362, AMSTELVEEN, True),
    (CASEWORKER_0362, OUDER_AMSTEL, False),
    (REGION, OUDER_AMSTEL, True),
    (REGION, AMSTELVEEN, True),
    (REGION, "0363", False),
    (ADMIN_0437, AMSTELVEEN, False),  # a role gives no municipality: admins too serve only their own
    (REGION, None, False),  # a record whose municipality is unknown is nobody's
    (CASEWORKER_0437, "", False),
])
def test_in_scope(staff, municipality, expected):
    assert in_scope(staff, municipality) is expected


def test_a_request_outside_the_scope_is_refused_naming_the_staff_member_and_the_municipality():
    require_in_scope(CASEWORKER_0437, "consents", OUDER_AMSTEL)  # in scope: nothing happens
    record_id = uuid.uuid4()
    with pytest.raises(OutOfScope) as raised:
        require_in_scope(CASEWORKER_0362, "consent", OUDER_AMSTEL, record_id)
    refusal = raised.value.refusal()
    assert isinstance(raised.value, LookupError)  # a kind of "not found"
    assert (refusal.kind, refusal.actor) == ("refused:consent", "cw-0362")
    assert json_safe(refusal.detail) == {"municipality_code": OUDER_AMSTEL, "record_id": str(record_id)}


def test_a_refusal_for_a_named_municipality_carries_no_record():
    with pytest.raises(OutOfScope) as raised:
        require_in_scope(CASEWORKER_0437, "access_request", AMSTELVEEN)
    assert raised.value.refusal().detail == {"municipality_code": AMSTELVEEN}
    assert raised.value.record_id is None


def test_a_listing_shows_the_staff_members_municipalities_or_the_one_asked_for():
    assert municipalities_to_list(REGION, "erasure_requests", None) == {OUDER_AMSTEL, AMSTELVEEN}
    assert municipalities_to_list(REGION, "erasure_requests", AMSTELVEEN) == {AMSTELVEEN}
    assert municipalities_to_list(CASEWORKER_0437, "erasure_requests", None) == {OUDER_AMSTEL}
    with pytest.raises(OutOfScope) as raised:
        municipalities_to_list(CASEWORKER_0437, "erasure_requests", AMSTELVEEN)
    assert raised.value.refusal().kind == "refused:erasure_requests"
