"""schemathesis against intake's own OpenAPI document: generated and mutated requests (valid and
invalid reports, arrays, CSV text, wrong or missing tokens) never get a server error, and every
answer matches the documented status codes and schemas."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                status_code_conformance)

from intake.bootstrap import build
from intake.config import IntakeSettings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# schemathesis' own strategies use `random`; hypothesis warns about that on every example.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
ANSWERED: Counter[tuple[str, int]] = Counter()  # (method and path, status) of every generated request


def openapi_document() -> dict:
    """Intake's OpenAPI document, made without starting anything (and without Kafka credentials:
    collecting this module in a run of the fast tests must not need the platform)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VROEG_KAFKA_SECURITY", "plaintext")
        _, app = build(IntakeSettings(kafka_ingress=False))
        return app.openapi()


class IntakeOnFirstUse:
    """Intake's app, built at the first ASGI call: schemathesis starts its lifespan (database, broker,
    relay) on an event loop of its own, in the test, not at collection. The partner-topic subscriber
    stays off, so this intake shares the partner topics with no other test's."""

    def __init__(self) -> None:
        self.app = None

    async def __call__(self, scope, receive, send) -> None:
        if self.app is None:  # limits no fuzz run reaches: it sends hundreds of calls a minute as one partner
            _, self.app = build(IntakeSettings(kafka_ingress=False, partner_requests_per_minute=100_000,
                                               partner_request_burst=100_000))
        await self.app(scope, receive, send)


schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = IntakeOnFirstUse()


@pytest.fixture(scope="module", autouse=True)
def stopped_afterwards(platform):
    yield
    asgi.shutdown_lifespans()


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case):
    response = case.call_and_validate(headers={"Authorization": "Bearer dev-token-eigen-haard"}, checks=CHECKS)
    ANSWERED[(f"{case.method} {case.path}", response.status_code)] += 1


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_without_a_token_gets_a_server_error(case):
    case.call_and_validate(checks=CHECKS)


def test_the_generated_reports_reached_the_handler():
    # Without this, a fuzz run that never got past the token (or the body limit) would pass as well.
    reports = {status: n for (operation, status), n in ANSWERED.items() if operation == "POST /v1/reports"}
    assert reports.get(200, 0) + reports.get(400, 0) >= 50, reports
