"""The development certificates of Kafka's partner listener (vroeg_devtools.kafka_certs): kept when
present, a partner's subject is what the broker's mapping rule turns into its principal."""

import re
from pathlib import Path

import pytest
from cryptography import x509

from vroeg_devtools import kafka_certs

KAFKA_SH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "kafka.sh"


def _rule_maps(rule: str, distinguished_name: str) -> str | None:
    """Kafka's RULE:pattern/replacement/ on a name as Java prints it (RFC 2253), with Python's re."""
    pattern, replacement = re.fullmatch(r"RULE:(.*)/(.*)/", rule).groups()
    match = re.search(pattern, distinguished_name)
    return match.expand(replacement.replace("$1", r"\1")) if match else None


def test_the_broker_uses_the_rule_that_turns_a_partner_certificate_into_the_partner(tmp_path):
    assert f"ssl.principal.mapping.rules={kafka_certs.PRINCIPAL_RULE}" in KAFKA_SH.read_text().replace("\\$", "$")
    folder = kafka_certs.Folder(tmp_path)
    folder.ensure(["waternet"])
    certificate = x509.load_pem_x509_certificate(folder.partner("waternet").certificate.read_bytes())
    certificate.verify_directly_issued_by(folder.load_ca().certificate)
    assert _rule_maps(kafka_certs.PRINCIPAL_RULE, certificate.subject.rfc4514_string()) == "waternet"
    assert _rule_maps(kafka_certs.PRINCIPAL_RULE, "CN=admin,O=Vroeg development") is None


def test_ensure_keeps_what_is_there_and_adds_a_new_partner(tmp_path):
    folder = kafka_certs.Folder(tmp_path)
    assert len(folder.ensure(["waternet"])) == 5  # CA (2), broker, the partner's certificate and key
    assert folder.ensure(["waternet"]) == []
    assert folder.ensure(["waternet", "vitens"]) == [folder.partner("vitens").key, folder.partner("vitens").certificate]
    assert oct(folder.partner("vitens").key.stat().st_mode & 0o777) == "0o600"
    # A new CA makes the broker's and partners' certificates anew: the old ones would not be trusted.
    folder.ca_key.unlink()
    assert len(folder.ensure(["waternet"])) == 5


@pytest.mark.parametrize("name", ["admin", "intake", "Waternet", "water_net", ""])
def test_no_certificate_for_a_service_the_admin_or_a_name_that_is_no_partner_id(tmp_path, name):
    folder = kafka_certs.Folder(tmp_path)
    folder.ensure([])
    with pytest.raises(SystemExit, match="is not a partner id"):
        folder.issue_partner(name)


def test_the_oin_rule_matches_the_serial_number_as_java_prints_it():
    rule = kafka_certs.oin_rule("waternet", "00000001234567890000")
    oin_hex = "3030303030303031323334353637383930303030"
    assert _rule_maps(rule, f"2.5.4.5=#1314{oin_hex},CN=Waternet,O=Waternet,C=NL") == "waternet"
    assert _rule_maps(rule, f"C=NL,O=Waternet,2.5.4.5=#1314{oin_hex}") == "waternet"
    assert _rule_maps(rule, f"CN=x,O=a\\,2.5.4.5=#1314{oin_hex}") is None  # hidden in another attribute
    with pytest.raises(SystemExit):
        kafka_certs.oin_rule("waternet", "1234")
