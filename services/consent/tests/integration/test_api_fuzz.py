"""Schemathesis generates requests from consent's OpenAPI document, valid and invalid ones, sent as an
admin so that validation and the handlers are reached: none may end in a server error, and every
answer is one the document lists, in the shape it gives."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from consent.domain.staff import Role

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def test_no_request_makes_the_api_fail(consent_schema, consent_process, tokens):
    headers = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    operations = [result.ok() for result in consent_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {"POST /v1/consents", "POST /v1/erasure-requests"}
    for operation in operations:
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=cases)
        def call(case):
            response = case.call(base_url=consent_process.url, headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS)

        call()
