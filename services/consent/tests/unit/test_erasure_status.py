"""An erasure request is complete only when every expected service has answered."""

import uuid
from datetime import UTC, datetime

from consent.domain.erasure import SERVICES, ErasureRequest, Receipt

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def request_with(*answered: str) -> ErasureRequest:
    return ErasureRequest(uuid.uuid4(), "0437", "objection", "dev-supervisor", NOW, SERVICES,
                          tuple(Receipt(s, {"rows": 1}, NOW) for s in answered))


def test_pending_until_all_four_answer():
    assert request_with().status == "pending"
    assert request_with("consent", "intake", "matching").waiting_for == ["outreach"]
    assert not request_with("consent", "intake", "matching").complete
    assert request_with(*SERVICES).status == "complete"


def test_an_unexpected_answer_does_not_complete_a_request():
    assert not request_with("consent", "intake", "matching", "billing").complete
