"""Matching reads outreach's case events for the closed cases only: the rest is skipped by header,
unread and unclaimed (issue 23: a LetterSent per letter was parsed and claimed for nothing)."""

import uuid
from datetime import UTC, datetime

from matching.entrypoints.kafka import may_close_a_case
from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import CaseClosed, LetterSent
from vroeg_runtime.consuming import Delivery
from vroeg_runtime.outbox import OutboxMessage


def published(payload) -> Delivery:  # type: ignore[no-untyped-def]
    """The record outreach's relay publishes for an event, headers and all."""
    message = OutboxMessage.of(Envelope.wrap(payload, producer="outreach", municipality_code="0437",
                                             household_key="hh-1", correlation_id=uuid.uuid4()))
    return Delivery(topics.OUTREACH_CASE_EVENTS, 0, 1, message.key, message.payload, message.headers)


def test_a_closed_case_is_wanted_and_a_letter_is_not():
    now = datetime.now(UTC)
    assert may_close_a_case(published(CaseClosed(case_id=uuid.uuid4(), outcome="Geen hulp gewenst", closed_at=now)))
    assert not may_close_a_case(published(LetterSent(case_id=uuid.uuid4(), letter_id=uuid.uuid4(),
                                                     letter_kind="first", sent_at=now)))


def test_a_record_without_the_header_is_read_to_be_sure():
    assert may_close_a_case(Delivery(topics.OUTREACH_CASE_EVENTS, 0, 1, None, b"{}", {}))
