"""The CBS pull API as `python -m outreach` serves it: over mutual TLS on its own port. A client with
a certificate from the configured CA gets data; one without a certificate, or with another CA's, is
refused at the TLS handshake. And schemathesis against the official DDAS-VS.yaml (not a copy) finds
no server error and no answer outside the specification, with every generated request signed like CBS."""

from __future__ import annotations

import copy
import json
import ssl

import httpx
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from outreach.adapters import jades
from outreach.adapters.ddas_schema import validate
from outreach.adapters.dev_certificates import certificate_authority, leaf
from vroeg_devtools.cbs_client import Cbs, checked_answer, client_certificate, tls_client
from vroeg_devtools.stack import ROOT, Stack, free_port

from .test_cbs_pull import cbs_dir  # noqa: F401 (a fixture)

SPEC = ROOT.parent / "shared" / "ddas" / "v1.2"


@pytest.fixture(scope="module")
def served(platform, cbs_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("cbs-mtls")
    port = free_port()
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(base / "letters"), "OUTREACH_REFERRALS_DIR": str(base / "referrals"),
                       "OUTREACH_CBS_DIR": str(cbs_dir), "OUTREACH_CBS_PORT": str(port)},
                  skip_history=True).start(("outreach",))
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        stack["outreach"].stop()


def test_a_client_with_a_certificate_from_the_ca_gets_data(served, cbs_dir):
    content, headers = Cbs(cbs_dir).request()
    with tls_client(cbs_dir, client_certificate(cbs_dir)) as client:
        response = client.post(f"{served}/gegevens", content=content, headers=headers)
    validate(checked_answer(response, cbs_dir)["gegevens"])


def test_no_client_certificate_or_another_cas_is_refused_at_the_handshake(served, cbs_dir, tmp_path):
    stranger = leaf("not CBS", certificate_authority("another CA"), usage=None)
    (tmp_path / "cert.pem").write_bytes(stranger.chain_pem())
    (tmp_path / "key.pem").write_bytes(stranger.key_pem())
    for cert in (None, (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))):
        content, headers = Cbs(cbs_dir).request()
        with tls_client(cbs_dir, cert) as client, pytest.raises((httpx.TransportError, ssl.SSLError)):
            client.post(f"{served}/gegevens", content=content, headers=headers)


def official_schema() -> dict:
    """DDAS-VS.yaml as published, its Uitwisselmodel $ref (a URL; there is no internet here) resolved
    to the official schema file beside it, whose own `#/$defs/…` references are rebased onto where
    it now sits in the document."""
    spec = yaml.safe_load((SPEC / "DDAS-VS.yaml").read_text(encoding="utf-8"))
    assert spec["components"]["schemas"]["Uitwisselmodel"]["$ref"].endswith("/v1.2/json_schema_Uitwisselmodel.json")
    model = json.loads((SPEC / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))
    model.pop("$schema", None)
    model.pop("$id", None)
    text = json.dumps(model).replace('"#/$defs/', '"#/components/schemas/Uitwisselmodel/$defs/')
    spec = copy.deepcopy(spec)
    spec["components"]["schemas"]["Uitwisselmodel"] = json.loads(text)
    return spec


def test_schemathesis_finds_no_failure_against_the_official_specification(served, cbs_dir):
    schema = schemathesis.openapi.from_dict(official_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert [op.path for op in operations] == ["/gegevens"]
    client_cert = client_certificate(cbs_dir)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
              response_headers_conformance]
    with tls_client(cbs_dir, client_cert) as client:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=operations[0].as_strategy(generation_mode=mode))
            def check(case):
                # Sign what is sent, exactly: the body's bytes, their digest, a fresh signature and token.
                body = case.body if isinstance(case.body, dict | list | str | int | float | bool) or case.body is None \
                    else None
                content = json.dumps(body).encode()
                digest = jades.digest_of(content)
                cbs = Cbs(cbs_dir)
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {cbs.token()}",
                           "Digest": digest, "nlgov-adr-payload-sig": cbs.signer.sign(digest)}
                response = client.post(f"{served}/gegevens", content=content, headers=headers)
                case.validate_response(response, checks=checks)

            check()
