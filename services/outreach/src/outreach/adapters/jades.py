"""The `Digest` header and the JAdES payload signature (`nlgov-adr-payload-sig`) of DDAS-VS.yaml, with
joserfc (RFC 7515 and RFC 7797's unencoded payload).

The DDAS profile: PS256; a detached JWS in compact serialization (`header..signature`); `b64: false`;
`crit` holds `sigD` and `b64`; `sigD` is the HttpHeaders mechanism of ETSI TS 119 182-1
(`mId` `http://uri.etsi.org/19182/HttpHeaders`) over exactly one header, `pars: ["digest"]`; the key is
that of the first certificate in `x5c`.

The signing input of that mechanism (ETSI TS 119 182-1, 5.2.8.3, after draft-cavage-http-signatures):
the JWS payload is the signed headers' lines, each its lower-cased name, a colon, a space and its
value without surrounding white space, joined by a line feed. With only `digest` that is one line,
`digest: SHA-256=<base64 of the body's SHA-256>`, and since `b64` is false the bytes signed are

    ASCII(BASE64URL(UTF8(protected header))) || "." || "digest: SHA-256=..."
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.registry import HeaderParameter

ALGORITHM = "PS256"
HTTP_HEADERS = "http://uri.etsi.org/19182/HttpHeaders"
SIGNED_HEADERS = ["digest"]
DIGEST = re.compile(r"^SHA-256=[A-Za-z0-9+/=]{43,44}$")  # DDAS-VS.yaml's pattern
COMPACT_DETACHED = re.compile(r"^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$")


class SignatureMalformed(Exception):
    """The header is not a detached compact JWS of the DDAS profile."""


class SignatureInvalid(Exception):
    """The signature does not verify over the digest with the key of the first `x5c` certificate."""


def _check_sig_d(value: Any) -> None:
    if not isinstance(value, dict) or value.get("mId") != HTTP_HEADERS or value.get("pars") != SIGNED_HEADERS:
        raise ValueError(f"must be {{'mId': '{HTTP_HEADERS}', 'pars': {SIGNED_HEADERS}}}")


def _registry() -> jws.JWSRegistry:
    """PS256 only, and `sigD` known (it is critical); room for an `x5c` chain in the header."""
    registry = jws.JWSRegistry(header_registry={"sigD": HeaderParameter("Signed data (JAdES)", _check_sig_d)},
                               algorithms=[ALGORITHM])
    registry.max_header_length = 32_000  # joserfc's default (512 bytes) holds no certificate
    return registry


def digest_of(body: bytes) -> str:
    """The `Digest` header value of a body: `SHA-256=` and the base64 (not base64url) of its SHA-256."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def digest_matches(header: str | None, body: bytes) -> bool:
    return header is not None and DIGEST.match(header.strip()) is not None and header.strip() == digest_of(body)


def signing_payload(digest: str) -> bytes:
    """The JWS payload of the HttpHeaders mechanism over `digest` alone: one line, `digest: <value>`."""
    return f"digest: {digest.strip()}".encode("ascii")


def protected_header(chain: Sequence[x509.Certificate], kid: str) -> dict[str, Any]:
    return {"alg": ALGORITHM, "b64": False, "crit": ["sigD", "b64"], "kid": kid,
            "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain],
            "sigD": {"mId": HTTP_HEADERS, "pars": list(SIGNED_HEADERS)}}


@dataclass(frozen=True)
class Signer:
    """A signing key with its certificate chain (signing certificate first, root left out)."""

    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...]
    kid: str

    def sign(self, digest: str) -> str:
        """The `nlgov-adr-payload-sig` value over `digest`: `BASE64URL(header)..BASE64URL(signature)`."""
        key = RSAKey.import_key(self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
        compact = jws.serialize_compact(protected_header(self.chain, self.kid), signing_payload(digest), key,
                                        registry=_registry())
        header, _, signature = compact.split(".")
        return f"{header}..{signature}"  # detached: the payload is rebuilt by the receiver


@dataclass(frozen=True)
class Verified:
    header: dict[str, Any]
    chain: list[x509.Certificate]  # as sent in x5c, signing certificate first; not yet trusted


def read_header(signature: str) -> dict[str, Any]:
    """The protected header of a detached compact JWS; raises SignatureMalformed."""
    if not COMPACT_DETACHED.match(signature.strip()):
        raise SignatureMalformed("not a detached JWS compact serialization (header..signature)")
    segment = signature.strip().split(".")[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        raise SignatureMalformed("the protected header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise SignatureMalformed("the protected header is not a JSON object")
    return header


def verify(signature: str, digest: str) -> Verified:
    """Check `signature` against the DDAS profile and over `digest`, with the key of its first `x5c`
    certificate. The chain itself is not trusted here: that is trust.TrustAnchor's part."""
    header = read_header(signature)
    if header.get("alg") != ALGORITHM or header.get("b64") is not False:
        raise SignatureMalformed(f"alg must be {ALGORITHM} and b64 false")
    crit = header.get("crit")
    if not isinstance(crit, list) or not {"sigD", "b64"} <= set(crit):
        raise SignatureMalformed("crit must hold sigD and b64")
    try:
        _check_sig_d(header.get("sigD"))
    except ValueError as error:
        raise SignatureMalformed(f"sigD {error}") from None
    encoded = header.get("x5c")
    if not isinstance(encoded, list) or not encoded or not all(isinstance(c, str) for c in encoded):
        raise SignatureMalformed("x5c must list the signing certificate first")
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in encoded]
    except ValueError:
        raise SignatureMalformed("x5c holds something that is not a base64 DER certificate") from None
    public = chain[0].public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise SignatureMalformed("the signing certificate's key is not RSA")
    key = RSAKey.import_key(public.public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    try:
        jws.deserialize_compact(signature.strip(), key, registry=_registry(), payload=signing_payload(digest))
    except JoseError as error:
        raise SignatureInvalid(error.error or type(error).__name__) from None
    except ValueError as error:  # a signature of the wrong length, say
        raise SignatureInvalid(str(error)) from None
    return Verified(header, chain)
