"""The CBS pull API (DDAS-VS.yaml) on the real database, driven in this process: a request signed
like CBS's gets the delivery, signed by the supplier; a missing token, a wrong digest, a wrong
signature, another CA's signer or a replay is refused with the problem the specification lists;
paging; and the audit log keeps the FSC headers, never a token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from outreach.adapters import access_tokens, jades
from outreach.adapters.ddas_schema import validate
from outreach.adapters.dev_certificates import certificate_authority, leaf, write_development_set
from outreach.bootstrap import cbs_dependencies
from outreach.config import OutreachSettings, cbs_files
from outreach.entrypoints import cbs
from outreach.handlers.cbs_pull import CbsPullDependencies
from vroeg_devtools.cbs_client import Cbs, checked_answer, period


@pytest.fixture(scope="session")
def cbs_dir(platform):
    folder = platform.keys_dir / "cbs"  # made by deploy/local/isolated.sh; made here when not
    write_development_set(folder, supplier_code=OutreachSettings().ddas_supplier_code)
    return folder


@pytest.fixture(scope="session")
def cbs_deps(outreach, cbs_dir) -> CbsPullDependencies:
    settings = OutreachSettings(database_url=outreach.settings.database_url, cbs_dir=cbs_dir)
    return cbs_dependencies(settings, cbs_files(settings), outreach.deps.writers)


@pytest.fixture
async def cbs_api(outreach, cbs_deps) -> AsyncIterator[httpx.AsyncClient]:
    app = cbs.create_app(outreach.runtime, cbs_deps)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://outreach-cbs") as client:
        yield client


async def test_a_request_signed_like_cbs_gets_the_signed_delivery(cbs_api, cbs_dir, new_case):
    await new_case()
    content, headers = Cbs(cbs_dir).request()
    answer = checked_answer(await cbs_api.post("/gegevens", content=content, headers=headers), cbs_dir)
    validate(answer["gegevens"])  # the schema the delivery itself is checked against
    assert "paginering" not in answer  # a small delivery, no page asked for


async def test_pages_hold_every_record_once(cbs_api, cbs_dir, new_case):
    await new_case()
    await new_case()
    client = Cbs(cbs_dir)
    first = checked_answer(await cbs_api.post("/gegevens", content=(r := client.request(period(pageSize=1)))[0],
                                              headers=r[1]), cbs_dir)
    paging = first["paginering"]
    assert paging["pageSize"] == 1 and paging["currentPage"] == 1
    assert paging["totalRecords"] >= 2 and paging["totalPages"] == paging["totalRecords"]
    validate(first["gegevens"])
    last = client.request(period(page=paging["totalPages"], pageSize=1))
    answer = checked_answer(await cbs_api.post("/gegevens", content=last[0], headers=last[1]), cbs_dir)
    assert answer["paginering"]["currentPage"] == paging["totalPages"]
    past = client.request(period(page=paging["totalPages"] + 1, pageSize=1))
    response = await cbs_api.post("/gegevens", content=past[0], headers=past[1])
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


async def test_a_missing_or_foreign_token_is_refused_with_the_fsc_code(cbs_api, cbs_dir):
    client = Cbs(cbs_dir)
    content, headers = client.request()
    response = await cbs_api.post("/gegevens", content=content, headers={**headers, "Authorization": ""})
    assert response.status_code == 401
    assert response.headers["Fsc-Error-Code"] == "ERROR_CODE_ACCESS_TOKEN_MISSING" == response.json()["code"]
    content, headers = client.request(Authorization=f"Bearer {client.token(scope='write')}")
    response = await cbs_api.post("/gegevens", content=content, headers=headers)
    assert response.status_code == 403 and response.headers["Fsc-Error-Code"] == "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN"


async def test_a_wrong_digest_or_a_changed_body_is_a_bad_request(cbs_api, cbs_dir):
    content, headers = Cbs(cbs_dir).request()
    for changed in ({"content": content, "headers": {**headers, "Digest": "SHA-256=nope"}},
                    {"content": content.replace(b"-01\"", b"-02\"", 1), "headers": headers}):
        response = await cbs_api.post("/gegevens", **changed)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("digest-invalid")


async def test_a_wrong_signature_or_an_untrusted_signer_is_refused(cbs_api, cbs_dir):
    client = Cbs(cbs_dir)
    content, headers = client.request()
    _, other_headers = client.request(period(aanleverendeOrganisatie="iets anders"))
    # A signature made over another body's digest, sent with this body's (right) digest.
    response = await cbs_api.post("/gegevens", content=content,
                                  headers={**headers, "nlgov-adr-payload-sig": other_headers["nlgov-adr-payload-sig"]})
    assert response.status_code == 401 and response.json()["code"] == "ERROR_CODE_PAYLOAD_SIGNATURE_INVALID"
    stranger_root = certificate_authority("another CA")
    stranger = leaf("not CBS", certificate_authority("another issuing CA", issuer=stranger_root), usage=None)
    content, headers = Cbs(cbs_dir, jades.Signer(stranger.key, (stranger.certificate, *stranger.chain), "x")).request()
    response = await cbs_api.post("/gegevens", content=content, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "ERROR_CODE_SIGNING_CERTIFICATE_UNTRUSTED"
    assert "Fsc-Error-Code" not in response.headers  # not an FSC error


async def test_a_replayed_request_is_refused(cbs_api, cbs_dir):
    content, headers = Cbs(cbs_dir).request()
    assert (await cbs_api.post("/gegevens", content=content, headers=headers)).status_code == 200
    replayed = await cbs_api.post("/gegevens", content=content, headers=headers)
    assert replayed.status_code == 401 and replayed.json()["code"] == "ERROR_CODE_REQUEST_REPLAYED"


async def test_a_bad_body_or_period_is_a_problem(cbs_api, cbs_dir):
    client = Cbs(cbs_dir)
    for body, status in (({**period(), "page": 0}, 400), ({**period(), "extra": 1}, 400),
                         (period(aanleverperiodeStartdatum="2025-02-01", aanleverperiodeEinddatum="2025-01-01"), 422),
                         ({"aanleverperiodeStartdatum": "2025-01-01"}, 422),
                         (period(aanleverendeOrganisatie="Gemeente Nergensland"), 422)):
        content, headers = client.request(body)
        response = await cbs_api.post("/gegevens", content=content, headers=headers)
        assert response.status_code == status, (body, response.text)
        problem = response.json()
        assert problem["status"] == status and problem["title"] and problem["type"].startswith("urn:")


async def test_other_paths_and_methods_are_fsc_errors(cbs_api):
    response = await cbs_api.get("/gegevens")
    assert response.status_code == 405 and response.headers["Fsc-Error-Code"] == "ERROR_CODE_METHOD_UNSUPPORTED"
    response = await cbs_api.post("/elders")
    assert response.status_code == 404 and response.json()["code"] == "ERROR_CODE_SERVICE_NOT_FOUND"


async def test_the_audit_log_keeps_the_fsc_headers_but_no_token(cbs_api, cbs_dir, outreach_pool):
    client = Cbs(cbs_dir)
    transaction = f"tx-{uuid.uuid4().hex}"
    fsc_token = f"fsc-{uuid.uuid4().hex}"
    content, headers = client.request(**{"Fsc-Transaction-Id": transaction, "Fsc-Authorization": f"Bearer {fsc_token}"})
    assert (await cbs_api.post("/gegevens", content=content, headers=headers)).status_code == 200
    row = await outreach_pool.fetchrow("SELECT staff_id, role, detail FROM audit_log WHERE action = 'cbs:pull' "
                                       "AND detail LIKE '%' || $1 || '%'", transaction)
    assert row["role"] == "cbs" and row["staff_id"].startswith("cbs:")
    assert access_tokens.fingerprint(f"Bearer {fsc_token}") in row["detail"]
    bearer = headers["Authorization"].removeprefix("Bearer ")
    assert fsc_token not in row["detail"] and bearer not in row["detail"]
    assert access_tokens.fingerprint(bearer) in row["detail"]
