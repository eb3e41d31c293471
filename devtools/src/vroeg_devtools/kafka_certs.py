"""Development certificates for Kafka's partner listener (mutual TLS), made with `cryptography`.

    python -m vroeg_devtools.kafka_certs ensure [--dir DIR]             CA, broker, every partner in topics.toml
    python -m vroeg_devtools.kafka_certs issue PARTNER_ID [--dir DIR]   one partner's certificate (--force: anew)
    python -m vroeg_devtools.kafka_certs oin-rule PARTNER_ID OIN        production: the mapping rule for its OIN

DIR is $VROEG_KEYS_DIR/kafka unless given. `ensure` keeps what is there and still valid (deploy/local/kafka.sh
runs it before every start of the broker); a partner added to deploy/topics.toml later gets its certificate at
the next start, or at once with `issue`. The files:

    ca.pem, ca.key                 the development partner CA: the broker's truststore, and what partners
                                   verify the broker with
    broker.pem                     the broker's key and certificate (127.0.0.1, localhost): a Kafka PEM keystore
    partners/<id>.pem, <id>.key    a partner's client certificate and key; the subject is
                                   CN=<id>,OU=Kafka partners,O=Vroeg development, which PRINCIPAL_RULE maps to
                                   User:<id>, the principal of the partner's SCRAM user, so the same ACLs apply

Never for production: there partners present PKIoverheid certificates, which name the organisation by its
OIN in the subject's serialNumber, and the broker maps each OIN to its partner (`oin-rule`, docs/operations.md).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parents[3]
TOPICS_FILE = ROOT / "deploy" / "topics.toml"
SECURITY_FILE = ROOT / "deploy" / "security.toml"
ORGANISATION = "Vroeg development"
PARTNERS_UNIT = "Kafka partners"
# The broker's listener.name.partners.ssl.principal.mapping.rules (deploy/local/kafka.sh). Without a
# DEFAULT, a certificate whose subject is not a partner's is refused when the client authenticates.
PRINCIPAL_RULE = f"RULE:^CN=([a-z0-9-]+),OU={PARTNERS_UNIT},O={ORGANISATION}$/$1/"
PARTNER_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LIFETIME = timedelta(days=365)
# A certificate that expires sooner than this is made anew by `ensure`.
RENEW_BEFORE = timedelta(days=14)


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def subject_name(common_name: str, unit: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION)]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def partner_subject(partner_id: str) -> x509.Name:
    return subject_name(partner_id, PARTNERS_UNIT)


def _builder(subject: x509.Name, issuer_name: x509.Name, key: ec.EllipticCurvePrivateKey) -> x509.CertificateBuilder:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(start + LIFETIME)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))


def make_ca(common_name: str = "Vroeg development Kafka partner CA") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False)
    certificate = (_builder(subject_name(common_name), subject_name(common_name), key)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(usage, critical=True)
                   .sign(key, hashes.SHA256()))
    return Issued(certificate, key)


def issue(ca: Issued, subject: x509.Name, *, hosts: tuple[str, ...] = ()) -> Issued:
    """An end-entity certificate signed by `ca`: a TLS server's when `hosts` are given, else a client's."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    builder = (_builder(subject, ca.certificate.subject, key)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if hosts
                                                     else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
    if hosts:
        builder = builder.add_extension(x509.SubjectAlternativeName([_host(h) for h in hosts]), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def _host(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


@dataclass(frozen=True)
class PartnerFiles:
    certificate: Path
    key: Path
    ca: Path


class Folder:
    """The certificate folder of one platform."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ca_cert, self.ca_key, self.broker = path / "ca.pem", path / "ca.key", path / "broker.pem"

    def partner(self, partner_id: str) -> PartnerFiles:
        return PartnerFiles(self.path / "partners" / f"{partner_id}.pem", self.path / "partners" / f"{partner_id}.key",
                            self.ca_cert)

    def load_ca(self) -> Issued:
        if not (self.ca_cert.exists() and self.ca_key.exists()):
            raise SystemExit(f"kafka_certs: no partner CA in {self.path}: run `make up` "
                             "(or `python -m vroeg_devtools.kafka_certs ensure`) first")
        key = serialization.load_pem_private_key(self.ca_key.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise SystemExit(f"kafka_certs: {self.ca_key} is not the EC key this tool makes")
        return Issued(x509.load_pem_x509_certificate(self.ca_cert.read_bytes()), key)

    def ensure(self, partner_ids: list[str]) -> list[Path]:
        """The CA, the broker's certificate and every partner's, where missing or no longer valid; returns
        what was written."""
        written: list[Path] = []
        if self.ca_cert.exists() and self.ca_key.exists() and _valid(self.ca_cert.read_bytes(), None):
            ca = self.load_ca()
        else:
            ca = make_ca()
            written += [self._write(self.ca_key, ca.key_pem(), secret=True),
                        self._write(self.ca_cert, ca.certificate_pem())]
        if not (self.broker.exists() and _valid(self.broker.read_bytes(), ca)):
            broker = issue(ca, subject_name("Vroeg development Kafka broker"), hosts=("127.0.0.1", "localhost"))
            written.append(self._write(self.broker, broker.key_pem() + broker.certificate_pem(), secret=True))
        for partner_id in partner_ids:
            files = self.partner(partner_id)
            if not (files.certificate.exists() and files.key.exists() and _valid(files.certificate.read_bytes(), ca)):
                written += self.issue_partner(partner_id, ca=ca)
        return written

    def issue_partner(self, partner_id: str, *, ca: Issued | None = None) -> list[Path]:
        check_partner_id(partner_id)
        issued = issue(ca or self.load_ca(), partner_subject(partner_id))
        files = self.partner(partner_id)
        return [self._write(files.key, issued.key_pem(), secret=True),
                self._write(files.certificate, issued.certificate_pem())]

    def _write(self, path: Path, content: bytes, *, secret: bool = False) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path, 0o700)
        temporary = path.with_name(path.name + ".tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644), "wb") as out:
            out.write(content)
        os.replace(temporary, path)
        return path


def _valid(pem: bytes, ca: Issued | None) -> bool:
    """Whether the first certificate in `pem` is issued by `ca` (self-signed when None) and not about to expire."""
    try:
        certificate = x509.load_pem_x509_certificate(pem[pem.index(b"-----BEGIN CERTIFICATE-----"):])
        certificate.verify_directly_issued_by(ca.certificate if ca else certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return certificate.not_valid_after_utc > datetime.now(UTC) + RENEW_BEFORE


def check_partner_id(partner_id: str) -> None:
    """Refuse a name that is not a partner id, or that is a service's or the admin's principal: the certificate
    would be that principal on the partner listener."""
    services = tomllib.loads(SECURITY_FILE.read_text()).get("service", {})
    reserved = {os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin"), *services}
    if not PARTNER_ID.fullmatch(partner_id) or partner_id in reserved:
        raise SystemExit(f"kafka_certs: {partner_id!r} is not a partner id (lower-case letters, digits and dashes; "
                         f"not one of {', '.join(sorted(reserved))})")


def partner_ids(topics_file: Path = TOPICS_FILE) -> list[str]:
    return list(tomllib.loads(topics_file.read_text())["partners"]["ids"])


def oin_rule(partner_id: str, oin: str) -> str:
    """The principal mapping rule that makes a PKIoverheid certificate with this OIN in its subject's serialNumber
    (OID 2.5.4.5) the principal User:<partner_id>. Java writes serialNumber in the distinguished name as its DER
    encoding in hex (a PrintableString: tag 0x13, length 0x14 for the 20 digits); the rule matches that."""
    check_partner_id(partner_id)
    if not re.fullmatch(r"\d{20}", oin):
        raise SystemExit(f"kafka_certs: an OIN has 20 digits, not {oin!r}")
    # The attribute starts the name or follows a comma that is not escaped (a comma inside a value is `\,`).
    return rf"RULE:^(.*[^\\],)?2\.5\.4\.5=#1314{oin.encode().hex()}(,.*)?$/{partner_id}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vroeg_devtools.kafka_certs", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("ensure", "issue"):
        command = commands.add_parser(name)
        command.add_argument("--dir", type=Path, default=None, help="default: $VROEG_KEYS_DIR/kafka")
    commands.choices["issue"].add_argument("partner_id")
    commands.choices["issue"].add_argument("--force", action="store_true", help="replace a certificate that exists")
    rule = commands.add_parser("oin-rule")
    rule.add_argument("partner_id")
    rule.add_argument("oin")
    args = parser.parse_args(argv)
    if args.command == "oin-rule":
        print(oin_rule(args.partner_id, args.oin))
        return 0
    folder = Folder(args.dir or Path(os.environ.get("VROEG_KEYS_DIR", ROOT / ".vroeg" / "keys")) / "kafka")
    if args.command == "ensure":
        written = folder.ensure(partner_ids())
        print(f"kafka_certs: {len(written)} files written in {folder.path}" if written
              else f"kafka_certs: certificates in {folder.path} kept", file=sys.stderr)
        return 0
    files = folder.partner(args.partner_id)
    if files.certificate.exists() and not args.force:
        check_partner_id(args.partner_id)
    else:
        folder.issue_partner(args.partner_id)
    print(f"certificate={files.certificate}\nkey={files.key}\nca={files.ca}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
