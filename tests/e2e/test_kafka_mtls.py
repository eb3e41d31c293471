"""Partners connect with mutual TLS too (deploy/local/kafka.sh's PARTNERS listener): the broker takes the
principal from the client certificate's subject, so a partner on Debian's kcat (librdkafka 2.0.2, which
cannot log in with SCRAM on Kafka 4) reports like any other, with the same ACLs as its SCRAM user."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vroeg_contracts import topics
from vroeg_devtools import bus, kafka_certs
from vroeg_devtools.kafka_certs import Issued, PartnerFiles
from vroeg_runtime.kafka_auth import kafka_password

# How long kcat waits for metadata where the broker is expected to refuse it (-m, seconds).
REFUSED_WAIT = "4"


@pytest.fixture(scope="module")
def kcat() -> str:
    path = os.environ.get("VROEG_KCAT") or shutil.which("kcat")
    if not path:
        pytest.fail("Debian's kcat is needed for the partner-listener tests: apt-get install kcat "
                    "(make test installs it through deploy/local/kcat.sh)")
    return path


@pytest.fixture(scope="module")
def certificates(platform) -> kafka_certs.Folder:
    return kafka_certs.Folder(platform.keys_dir / "kafka")


def _run(kcat: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([kcat, *args], input=stdin, capture_output=True, text=True, timeout=60)


def _over_tls(files: PartnerFiles) -> list[str]:
    return ["-b", os.environ["VROEG_KAFKA_TLS_BOOTSTRAP"], "-X", "security.protocol=ssl",
            "-X", f"ssl.ca.location={files.ca}", "-X", f"ssl.certificate.location={files.certificate}",
            "-X", f"ssl.key.location={files.key}"]


def _written(issued: Issued, ca: Path, folder: Path) -> PartnerFiles:
    files = PartnerFiles(folder / "client.pem", folder / "client.key", ca)
    files.certificate.write_bytes(issued.certificate_pem())
    files.key.write_bytes(issued.key_pem())
    return files


async def test_a_partner_on_debians_kcat_reports_over_mtls_and_intake_accepts_it(kcat, certificates, stack, residents):
    stack.start(("intake",))
    report = residents.report("waternet", "water", residents.client())
    sent = _run(kcat, *_over_tls(certificates.partner("waternet")), "-P", "-t", topics.partner_reports("waternet"),
                "-k", report["report_id"], stdin=json.dumps(report) + "\n")
    assert sent.returncode == 0, sent.stderr
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=60, until=lambda rs: any(
        e["payload"]["report_id"] == report["report_id"] for e in bus.events(rs, "ArrearsReported")))
    event = next(e for e in bus.events(accepted, "ArrearsReported") if e["payload"]["report_id"] == report["report_id"])
    assert event["payload"]["partner_id"] == "waternet"


def test_a_certificate_from_another_ca_is_refused(kcat, certificates, tmp_path):
    stranger = kafka_certs.issue(kafka_certs.make_ca("Not the partner CA"), kafka_certs.partner_subject("waternet"))
    files = _written(stranger, certificates.ca_cert, tmp_path)
    refused = _run(kcat, *_over_tls(files), "-L", "-m", REFUSED_WAIT, "-t", topics.partner_reports("waternet"))
    assert refused.returncode != 0
    assert "certificate unknown" in refused.stderr, refused.stderr  # the broker's TLS alert


def test_a_certificate_of_the_partner_ca_that_names_no_partner_is_refused(kcat, certificates, tmp_path):
    # The mapping rule has no DEFAULT: CN=admin outside the partners' unit is not the super user.
    admin = kafka_certs.issue(certificates.load_ca(), kafka_certs.subject_name("admin"))
    files = _written(admin, certificates.ca_cert, tmp_path)
    refused = _run(kcat, *_over_tls(files), "-L", "-m", REFUSED_WAIT, "-t", topics.partner_reports("waternet"))
    assert refused.returncode != 0 and "Metadata for" not in refused.stdout, refused.stdout


def test_a_partners_certificate_cannot_write_another_partners_topic(kcat, certificates):
    refused = _run(kcat, *_over_tls(certificates.partner("waternet")), "-P", "-t", topics.partner_reports("vgz"),
                   "-X", "message.timeout.ms=15000", stdin='{"probe": true}\n')
    assert refused.returncode != 0
    assert "Topic authorization failed" in refused.stderr, refused.stderr


def test_debians_kcat_cannot_log_in_with_scram(kcat):
    """Why partners on Debian 12 need the mTLS listener: librdkafka before 2.6.1 builds the SCRAM
    final message wrongly, and Kafka 4 answers as if the password were wrong."""
    version = re.search(r"librdkafka (\d+)\.(\d+)\.(\d+)", _run(kcat, "-V").stdout)
    assert version, "kcat -V names no librdkafka version"
    if tuple(map(int, version.groups())) >= (2, 6, 1):
        pytest.skip(f"this kcat links librdkafka {'.'.join(version.groups())}, which has SCRAM right")
    refused = _run(kcat, "-b", bus.bootstrap(), "-X", "security.protocol=SASL_PLAINTEXT",
                   "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.username=waternet",
                   "-X", f"sasl.password={kafka_password('waternet')}", "-L", "-m", REFUSED_WAIT)
    assert refused.returncode != 0
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in refused.stderr, refused.stderr
