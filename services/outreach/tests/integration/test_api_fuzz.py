"""Schemathesis against the running outreach service: generated requests, valid and invalid, with a
token of a role each operation allows, never get a server error."""

import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from vroeg_devtools.stack import Stack

from .conftest import auth


@pytest.fixture(scope="module")
def service(platform, tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    # From the end of its topics: the decisions earlier tests left on the bus (thousands, in a full
    # run) are not this test's, and a case opened for each would leave their letters due for the
    # tests after this one.
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(base / "letters"), "OUTREACH_REFERRALS_DIR": str(base / "referrals")},
                  skip_history=True).start(("outreach",))
    process = stack["outreach"]
    try:
        yield process
    finally:
        # What the fuzzer switched must not outlive it: visits back on for the tests after this one.
        for code in ("0437", "0362"):
            httpx.put(f"{process.url}/v1/admin/visits/{code}", json={"enabled": True}, headers=auth("admin"),
                      timeout=30)
        process.stop()


def test_no_generated_request_gets_a_server_error(service):
    schema = schemathesis.openapi.from_url(f"{service.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    team_api = [op for op in operations if op.path.startswith("/v1/")]
    assert len(team_api) == 12
    for operation in team_api:
        roles = re.match(r"Roles: ([a-z, ]+)\.", operation.definition.raw["description"])
        headers = auth(roles.group(1).split(", ")[0])
        has_input = any(len(part) for part in (operation.path_parameters, operation.query, operation.body))
        # Invalid input needs some input to be invalid: operations without parameters get valid calls only.
        modes = [schemathesis.GenerationMode.POSITIVE] + ([schemathesis.GenerationMode.NEGATIVE] if has_input else [])
        for mode in modes:

            @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate(base_url=service.url, headers=headers, checks=[not_a_server_error], timeout=30)

            check()
