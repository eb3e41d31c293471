"""The share gate as a table: default deny, grant only what the consent covers, deny after withdrawal or expiry."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from consent.domain.consents import Channel, Consent
from consent.domain.gate import decide

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def consent(*, recipient="schuldhulp-amstelland", purpose="referral", categories=("contact_details", "arrears"),
            given=-10, until: int | None = 30, withdrawn: int | None = None) -> Consent:
    return Consent(uuid.uuid4(), "person-key", recipient, purpose, frozenset(categories), NOW + given * DAY,
                   None if until is None else NOW + until * DAY, None if withdrawn is None else NOW + withdrawn * DAY,
                   "dev-caseworker", Channel.IN_PERSON, "0437")


LAPSED = "consent expired or withdrawn"
CASES = [
    # (what, consents, requested, granted, permitted, reason)
    ("no consent at all", [], ["arrears"], False, (), "no consent"),
    ("consent for another recipient", [consent(recipient="kredietbank")], ["arrears"], False, (), "no consent"),
    ("consent for another purpose", [consent(purpose="debt-counselling")], ["arrears"], False, (), "no consent"),
    ("valid consent: only the permitted fields", [consent()], ["arrears", "income", "contact_details"], True,
     ("arrears", "contact_details"), "consent"),
    ("valid consent without end date", [consent(until=None)], ["arrears"], True, ("arrears",), "consent"),
    ("valid consent covering none of the request", [consent()], ["income"], False, (),
     "consent covers none of the requested data"),
    ("withdrawn consent", [consent(withdrawn=-1)], ["arrears"], False, (), LAPSED),
    ("consent withdrawn this very moment", [consent(withdrawn=0)], ["arrears"], False, (), LAPSED),
    ("expired consent", [consent(given=-60, until=-1)], ["arrears"], False, (), LAPSED),
    ("consent that expires this very moment", [consent(until=0)], ["arrears"], False, (), LAPSED),
    ("withdrawn one, valid other", [consent(withdrawn=-1), consent(categories=("arrears",))], ["arrears"], True,
     ("arrears",), "consent"),
]


@pytest.mark.parametrize(("what", "consents", "requested", "granted", "permitted", "reason"), CASES,
                         ids=[case[0] for case in CASES])
def test_gate(what, consents, requested, granted, permitted, reason):
    decision = decide(consents, recipient="schuldhulp-amstelland", purpose="referral", requested=requested, at=NOW)
    assert (decision.granted, decision.permitted, decision.reason) == (granted, permitted, reason)
    if granted:
        assert decision.consent_id in {c.consent_id for c in consents if c.valid_at(NOW)}
        assert set(decision.permitted) <= set(requested)


def test_the_consent_covering_most_of_the_request_is_chosen():
    narrow, wide = consent(categories=("arrears",)), consent(categories=("arrears", "contact_details"))
    decision = decide([narrow, wide], recipient="schuldhulp-amstelland", purpose="referral",
                      requested=["arrears", "contact_details"], at=NOW)
    assert decision.consent_id == wide.consent_id
    assert decision.permitted == ("arrears", "contact_details")
