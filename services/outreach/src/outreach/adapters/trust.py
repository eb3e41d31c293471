"""Trust in a signer's certificate chain (the `x5c` of a JAdES signature): built and checked by
`cryptography`'s X.509 verification against the configured trust anchor, at a given time, so an
expired or not yet valid certificate, or one from another CA, is refused. Also the PEM loading of
certificates and keys for the CBS API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import verification


class Untrusted(Exception):
    """The chain does not lead to the trust anchor, or a certificate in it is not valid at the time."""


def load_certificates(path: Path) -> list[x509.Certificate]:
    certificates = x509.load_pem_x509_certificates(path.read_bytes())
    if not certificates:
        raise ValueError(f"{path}: no certificate")
    return certificates


def load_private_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path}: not an RSA key (PS256 signs with RSA)")
    return key


def load_public_key(path: Path) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"{path}: not an RSA public key")
    return key


class TrustAnchor:
    """The CA certificates a signer's chain must lead to (PKIoverheid in production)."""

    def __init__(self, anchors: Sequence[x509.Certificate]) -> None:
        self._store = verification.Store(list(anchors))

    @classmethod
    def load(cls, path: Path) -> TrustAnchor:
        return cls(load_certificates(path))

    def verify(self, chain: Sequence[x509.Certificate], at: datetime) -> x509.Certificate:
        """The signing certificate (the first of `chain`) once its chain is valid at `at`; raises Untrusted.

        The CAs are held to the Web PKI rules for CAs; the signing certificate itself only to a
        valid chain and validity period, since signing certificates (PKIoverheid's among them)
        carry no TLS names or usages. Revocation (OCSP or CRL) is left to the FSC inway and the
        PKIoverheid tooling in front of this service; see ADR 0013."""
        if not chain:
            raise Untrusted("no certificate in x5c")
        policy = (verification.PolicyBuilder().store(self._store).time(at)
                  .extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
                                      ee_policy=verification.ExtensionPolicy.permit_all()))
        try:
            policy.build_client_verifier().verify(chain[0], list(chain[1:]))
        except verification.VerificationError as error:
            raise Untrusted(str(error)) from None
        constraints = _basic_constraints(chain[0])
        if constraints is not None and constraints.ca:
            raise Untrusted("the signing certificate is a CA certificate")
        return chain[0]


def _basic_constraints(certificate: x509.Certificate) -> x509.BasicConstraints | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return None


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    value = names[0].value if names else certificate.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode(errors="replace")
