"""The resident's summary of an access request: plain Dutch, counts per kind, and their rights."""

import uuid
from datetime import UTC, datetime

from consent.domain.access_report import summary_nl
from consent.domain.audit import Record
from consent.domain.consents import Channel, Consent

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_summary_counts_what_happened_and_names_the_recipients():
    entries = []
    for kind in ("consent_registered", "share_granted", "share_granted", "share_denied"):
        entries.append(Record(kind, "x").chained(entries[-1] if entries else None, subjects=[],
                                                 entry_id=uuid.uuid4(), recorded_at=NOW))
    consent = Consent(uuid.uuid4(), "p", "schuldhulp-amstelland", "referral", frozenset({"arrears"}), NOW, None, None,
                      "dev-caseworker", Channel.IN_PERSON, "0437")
    text = summary_nl(entries, [consent])
    assert text.startswith("Wij hebben 4 gebeurtenissen over u vastgelegd.")
    assert "- 2 keer: wij deelden gegevens met uw toestemming." in text
    assert "- 1 keer: u gaf toestemming om gegevens te delen." in text
    assert "schuldhulp-amstelland" in text
    assert "intrekken" in text and "gratis en vrijwillig" in text


def test_summary_when_nothing_is_held():
    assert summary_nl([], []).startswith("Wij hebben in de toestemmingsregistratie geen gegevens over u gevonden.")
