"""The CBS pull API's security parts without a database: the JAdES signing input and a sign/verify
round trip, tampering refused, the signer's chain against the trust anchor (another CA, expired),
the access token's checks, and the problem details' shape."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID

from outreach.adapters import access_tokens, jades
from outreach.adapters.dev_certificates import certificate_authority, leaf
from outreach.adapters.trust import TrustAnchor, Untrusted
from outreach.entrypoints.cbs.problems import KINDS, refused
from outreach.handlers.cbs_pull import Refusal, paged

BODY = b'{"aanleverperiodeStartdatum":"2025-01-01","aanleverperiodeEinddatum":"2025-01-31"}'


@pytest.fixture(scope="module")
def pki():
    root = certificate_authority("test root")
    issuing = certificate_authority("test issuing", issuer=root)
    signing = leaf("test signer", issuing, usage=None)
    return root, issuing, signing


def signer_of(issued) -> jades.Signer:
    return jades.Signer(issued.key, (issued.certificate, *issued.chain), kid="test")


def header_of(signature: str) -> dict:
    segment = signature.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_the_digest_is_base64_sha256_of_the_body():
    assert jades.digest_of(b"") == "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="  # the spec's example
    assert jades.digest_matches(jades.digest_of(BODY), BODY)
    assert not jades.digest_matches(jades.digest_of(BODY), BODY + b" ")
    assert not jades.digest_matches(None, BODY)


def test_the_signing_input_is_the_digest_header_line():
    digest = jades.digest_of(BODY)
    assert jades.signing_payload(digest) == f"digest: {digest}".encode()
    assert jades.signing_payload(f"  {digest} ") == f"digest: {digest}".encode()


def test_a_signature_is_detached_of_the_ddas_profile_and_verifies(pki):
    root, _, signing = pki
    digest = jades.digest_of(BODY)
    signature = signer_of(signing).sign(digest)
    assert jades.COMPACT_DETACHED.match(signature)
    header = header_of(signature)
    assert header["alg"] == "PS256" and header["b64"] is False and {"sigD", "b64"} <= set(header["crit"])
    assert header["sigD"] == {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}
    assert len(header["x5c"]) == 2  # signing certificate, then the issuing CA
    verified = jades.verify(signature, digest)
    assert verified.chain[0] == signing.certificate
    assert TrustAnchor([root.certificate]).verify(verified.chain, datetime.now(UTC)) == signing.certificate


def test_the_signature_is_over_the_signing_input_as_documented(pki):
    """An independent check with `cryptography`: PS256 over BASE64URL(header) || '.' || 'digest: …'."""
    _, _, signing = pki
    digest = jades.digest_of(BODY)
    header_segment, _, signature_segment = signer_of(signing).sign(digest).split(".")
    signature = base64.urlsafe_b64decode(signature_segment + "=" * (-len(signature_segment) % 4))
    signing.certificate.public_key().verify(
        signature, header_segment.encode() + b"." + f"digest: {digest}".encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=hashes.SHA256.digest_size), hashes.SHA256())


def test_a_tampered_digest_or_signature_is_refused(pki):
    _, _, signing = pki
    digest = jades.digest_of(BODY)
    signature = signer_of(signing).sign(digest)
    with pytest.raises(jades.SignatureInvalid):
        jades.verify(signature, jades.digest_of(BODY + b"x"))
    head, _, value = signature.split(".")
    flipped = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    with pytest.raises(jades.SignatureInvalid):
        jades.verify(f"{head}..{flipped}", digest)
    with pytest.raises(jades.SignatureMalformed):
        jades.verify(f"{head}.ZGlnZXN0.{value}", digest)  # not detached


def test_another_profile_is_malformed(pki):
    _, _, signing = pki
    digest = jades.digest_of(BODY)
    header = jades.protected_header((signing.certificate,), "test") | {"sigD": {"mId": jades.HTTP_HEADERS,
                                                                                 "pars": ["digest", "date"]}}
    segment = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    with pytest.raises(jades.SignatureMalformed, match="sigD"):
        jades.verify(f"{segment}..AAAA", digest)


def test_a_chain_from_another_ca_is_untrusted(pki):
    root, _, _ = pki
    other_root = certificate_authority("other root")
    stranger = leaf("stranger", certificate_authority("other issuing", issuer=other_root), usage=None)
    verified = jades.verify(signer_of(stranger).sign(jades.digest_of(BODY)), jades.digest_of(BODY))
    with pytest.raises(Untrusted):
        TrustAnchor([root.certificate]).verify(verified.chain, datetime.now(UTC))


def test_an_expired_or_not_yet_valid_certificate_is_untrusted():
    long_ago = datetime.now(UTC) - timedelta(days=10)
    root = certificate_authority("old root", not_before=long_ago)
    issuing = certificate_authority("old issuing", issuer=root, not_before=long_ago)
    expired = leaf("expired", issuing, usage=None, not_before=datetime.now(UTC) - timedelta(days=2),
                   valid_for=timedelta(days=1))
    anchor = TrustAnchor([root.certificate])
    chain = [expired.certificate, *expired.chain]
    with pytest.raises(Untrusted):
        anchor.verify(chain, datetime.now(UTC))
    assert anchor.verify(chain, datetime.now(UTC) - timedelta(days=1, hours=12)) == expired.certificate
    with pytest.raises(Untrusted):
        anchor.verify(chain, datetime.now(UTC) - timedelta(days=3))


def test_a_tls_client_certificate_chain_is_checked_the_same_way(pki):
    root, issuing, _ = pki
    client = leaf("client", issuing, usage=ExtendedKeyUsageOID.CLIENT_AUTH)
    assert TrustAnchor([root.certificate]).verify([client.certificate, *client.chain], datetime.now(UTC))
    with pytest.raises(Untrusted):
        TrustAnchor([root.certificate]).verify([client.certificate], datetime.now(UTC))  # issuing CA left out


@pytest.fixture(scope="module")
def issuer_key(pki):
    return pki[2].key  # any RSA key does for an issuer


def test_a_token_for_this_service_with_scope_read_passes(issuer_key):
    check = access_tokens.TokenCheck(issuer_key.public_key(), access_tokens.DEV_ISSUER, "svc")
    claims = check.verify(access_tokens.issue(issuer_key, audience="svc"), datetime.now(UTC))
    assert claims["scope"] == "read"


@pytest.mark.parametrize(("token_args", "problem"), [
    ({"audience": "another"}, access_tokens.Problem.NOT_FOR_THIS_SERVICE),
    ({"audience": "svc", "scope": "write"}, access_tokens.Problem.NOT_FOR_THIS_SERVICE),
    ({"audience": "svc", "issuer": "someone-else"}, access_tokens.Problem.INVALID),
    ({"audience": "svc", "valid_for": timedelta(minutes=1), "now": datetime.now(UTC).timestamp() - 600},
     access_tokens.Problem.EXPIRED),
])
def test_a_token_that_does_not_fit_is_refused(issuer_key, token_args, problem):
    check = access_tokens.TokenCheck(issuer_key.public_key(), access_tokens.DEV_ISSUER, "svc")
    with pytest.raises(access_tokens.TokenRefused) as refused_token:
        check.verify(access_tokens.issue(issuer_key, **token_args), datetime.now(UTC))
    assert refused_token.value.problem is problem


def test_a_token_of_another_key_or_none_is_refused(issuer_key):
    check = access_tokens.TokenCheck(issuer_key.public_key(), access_tokens.DEV_ISSUER, "svc")
    other = certificate_authority("key only").key
    for token, problem in ((access_tokens.issue(other, audience="svc"), access_tokens.Problem.INVALID),
                           (None, access_tokens.Problem.MISSING), ("not.a.jwt", access_tokens.Problem.INVALID)):
        with pytest.raises(access_tokens.TokenRefused) as refused_token:
            check.verify(token, datetime.now(UTC))
        assert refused_token.value.problem is problem


@pytest.mark.parametrize("refusal", list(Refusal))
def test_every_refusal_is_a_problem_the_specification_lists(refusal):
    response = refused(refusal, "why")
    body = json.loads(response.body)
    assert response.media_type == "application/problem+json"
    assert response.status_code in (400, 401, 403, 404, 405, 422, 502)
    assert {"type", "title", "status"} <= body.keys() and body["status"] == response.status_code
    if response.status_code in (401, 403, 404, 405, 502):  # FscError
        assert body["code"].startswith("ERROR_CODE_") and body["domain"] == "ERROR_DOMAIN_INWAY"
    if KINDS[refusal].fsc:
        assert response.headers["Fsc-Error-Code"] == body["code"]
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def document(*record_counts: tuple[int, int]) -> dict:
    return {"codeGegevensleverancier": "T", "leveringen": [
        {"teller": n + 1, "gemeentecode": f"{n:04d}", "aanleverendeOrganisatie": {"naam": f"org {n}"},
         "vroegsignalen": [{"ID": f"s{n}-{i}"} for i in range(signals)],
         "vroegsignaalzaken": [{"ID": f"z{n}-{i}"} for i in range(cases)]}
        for n, (signals, cases) in enumerate(record_counts)]}


def ids(answer: dict) -> list[str]:
    return [r["ID"] for lev in answer["gegevens"]["leveringen"] for name in ("vroegsignalen", "vroegsignaalzaken")
            for r in lev[name]]


def test_pages_together_hold_every_record_once_in_order():
    whole = document((3, 2), (0, 0), (4, 1))
    every = ids({"gegevens": whole})
    pages = [paged(whole, page, 4, 25) for page in (1, 2, 3)]
    assert [p["paginering"] for p in pages] == [
        {"pageSize": 4, "currentPage": n, "totalPages": 3, "totalRecords": 10} for n in (1, 2, 3)]
    assert sum((ids(p) for p in pages), []) == every
    assert [lev["teller"] for lev in pages[0]["gegevens"]["leveringen"]] == [1, 2]  # record-less levering on page 1
    assert [lev["teller"] for lev in pages[1]["gegevens"]["leveringen"]] == [1, 3]
    with pytest.raises(Exception, match="past the last page"):
        paged(whole, 4, 4, 25)


def test_a_delivery_within_the_default_size_is_not_paged_unless_asked():
    whole = document((2, 1))
    assert paged(whole, None, None, 25) == {"gegevens": whole}
    assert paged(whole, None, None, 2)["paginering"]["totalPages"] == 2
    assert paged(whole, 1, None, 25)["paginering"] == {"pageSize": 25, "currentPage": 1, "totalPages": 1,
                                                        "totalRecords": 3}
