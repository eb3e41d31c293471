"""Development certificates for the CBS pull API, made with `cryptography`: a root CA and an issuing
CA, a TLS server certificate (127.0.0.1, localhost), a CBS client certificate, a signing certificate
for CBS and one for the supplier, and the development token issuer's key. Never for production:
there PKIoverheid certificates and the FSC manager's tokens take their place (see the README)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..config import CBS_FILE_NAMES
from .mail import write_atomically

# The names of the files in the folder: what the service reads (config.CBS_FILE_NAMES), and what
# the CBS side of a test or demo uses (its TLS client, its signing key, the token issuer's key).
FILES = {
    "root": CBS_FILE_NAMES["trust_anchor"],  # the trust anchor of TLS clients and of signatures
    "server_cert": CBS_FILE_NAMES["server_cert"], "server_key": CBS_FILE_NAMES["server_key"],
    "client_cert": "cbs-client.pem", "client_key": "cbs-client.key",
    "cbs_signing_cert": "cbs-signing.pem", "cbs_signing_key": "cbs-signing.key",
    "supplier_signing_cert": CBS_FILE_NAMES["signing_cert"], "supplier_signing_key": CBS_FILE_NAMES["signing_key"],
    "token_issuer_key": "token-issuer.key", "token_issuer_public": CBS_FILE_NAMES["token_issuer_key"],
}


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key and the issuing chain above it (without the root)."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...] = ()

    def chain_pem(self) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.certificate, *self.chain))

    def key_pem(self) -> bytes:
        return private_key_pem(self.key)


def private_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vroeg development"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate_authority(common_name: str, *, issuer: Issued | None = None, not_before: datetime | None = None,
                          valid_for: timedelta = timedelta(days=365)) -> Issued:
    """A root CA (no issuer) or an intermediate one, with the extensions the web PKI rules ask of a CA."""
    key = new_key()
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    signer_key = issuer.key if issuer else key
    builder = (x509.CertificateBuilder().subject_name(_name(common_name))
               .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + valid_for)
               .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
                              critical=False))
    return Issued(builder.sign(signer_key, hashes.SHA256()), key, _sent_along(issuer))


def _sent_along(issuer: Issued | None) -> tuple[x509.Certificate, ...]:
    """The chain a certificate is sent with: its issuers up to, not including, the root (the trust
    anchor, which the receiver has)."""
    if issuer is None or issuer.certificate.issuer == issuer.certificate.subject:
        return ()
    return (issuer.certificate, *issuer.chain)


def leaf(common_name: str, issuer: Issued, *, usage: x509.ObjectIdentifier | None,
         hosts: tuple[str, ...] = (), not_before: datetime | None = None,
         valid_for: timedelta = timedelta(days=365)) -> Issued:
    """An end-entity certificate: TLS server or client (`usage`), or a signing certificate (None)."""
    key = new_key()
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(issuer.certificate.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + valid_for)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=usage is None,
                                            key_encipherment=usage is not None, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                              critical=False)
               .add_extension(x509.SubjectAlternativeName(names or [x509.DNSName(f"{common_name.lower()}.invalid")]),
                              critical=False))
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key, _sent_along(issuer))


def write_development_set(folder: Path, *, supplier_code: str, force: bool = False) -> list[Path]:
    """Write the development set into `folder` (kept as it is when complete, unless `force`); return what was written."""
    paths = {what: folder / name for what, name in FILES.items()}
    if not force and all(p.exists() for p in paths.values()):
        return []
    root = certificate_authority("Vroeg development root CA")
    issuing = certificate_authority("Vroeg development issuing CA", issuer=root)
    server = leaf("outreach CBS API", issuing, usage=ExtendedKeyUsageOID.SERVER_AUTH, hosts=("127.0.0.1", "localhost"))
    client = leaf("CBS development client", issuing, usage=ExtendedKeyUsageOID.CLIENT_AUTH)
    cbs_signing = leaf("CBS development signing", issuing, usage=None)
    supplier_signing = leaf(f"{supplier_code} development signing", issuing, usage=None)
    token_issuer = new_key()
    contents = {
        "root": root.certificate.public_bytes(serialization.Encoding.PEM),
        "server_cert": server.chain_pem(), "server_key": server.key_pem(),
        "client_cert": client.chain_pem(), "client_key": client.key_pem(),
        "cbs_signing_cert": cbs_signing.chain_pem(), "cbs_signing_key": cbs_signing.key_pem(),
        "supplier_signing_cert": supplier_signing.chain_pem(), "supplier_signing_key": supplier_signing.key_pem(),
        "token_issuer_key": private_key_pem(token_issuer),
        "token_issuer_public": token_issuer.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for what, content in contents.items():
        write_atomically(paths[what], content)
        if what.endswith("key"):
            paths[what].chmod(0o600)
    return list(paths.values())
