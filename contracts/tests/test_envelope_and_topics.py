"""The envelope round-trips every event, and every topic in the contracts is created by deploy."""

import tomllib
import uuid
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, parse_event
from vroeg_contracts.events import CallDue, LetterSent

ROOT = Path(__file__).resolve().parents[2]


def call_due() -> Envelope[CallDue]:
    return Envelope.wrap(CallDue(case_id=uuid.uuid4(), due_on=date(2026, 12, 3), letter_id=uuid.uuid4()),
                         producer="outreach", municipality_code="0437", household_key="h" * 64,
                         correlation_id=uuid.uuid4())


def test_round_trip_keeps_type_and_payload():
    envelope = call_due()
    parsed = parse_event(envelope.to_bytes())
    assert isinstance(parsed.payload, CallDue)
    assert parsed == envelope
    assert parsed.occurred_at.utcoffset().total_seconds() == 0


def test_a_typed_parse_refuses_another_event_type():
    with pytest.raises(ValueError, match="event_type"):
        Envelope[LetterSent].parse(call_due().to_bytes())


def test_unknown_or_broken_bytes_are_refused():
    with pytest.raises(ValueError):
        parse_event(b"{not json")
    with pytest.raises(ValidationError):
        Envelope[CallDue].parse(b'{"event_type": "CallDue"}')


def test_caused_events_keep_the_correlation():
    cause = call_due()
    effect = cause.caused(cause.payload, producer="x")
    assert effect.correlation_id == cause.correlation_id
    assert effect.causation_id == cause.event_id
    assert effect.event_id != cause.event_id


def test_every_contract_topic_is_declared_in_deploy():
    declared = tomllib.loads((ROOT / "deploy" / "topics.toml").read_text())
    names = {t["name"] for t in declared["topic"]}
    constants = {v for k, v in vars(topics).items() if k.isupper() and isinstance(v, str)}
    assert constants <= names
    for service in ("intake", "matching", "outreach", "consent"):
        assert topics.dead_letters(service) in names
    assert topics.partner_of_reports_topic("partner.eigen-haard.reports.v1") == "eigen-haard"
    assert topics.partner_of_reports_topic("partner.eigen-haard.feedback.v1") is None
