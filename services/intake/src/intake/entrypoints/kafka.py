"""The Kafka ways in: every partner's `partner.<id>.reports.v1` topic, its `partner.<id>.feedback.v1`
topic (what outreach told the partner, kept so the partner can read it over HTTP), and ErasureRequested.

The partner topics are subscribed by pattern, not by name: a partner onboarded while intake runs
(`python -m intake partners add`) is read from its first report, within seconds, without a restart
(the consumers look for new topics every INTAKE_PARTNERS_REFRESH_SECONDS, ADR 0016). A disabled
partner's topics stay subscribed: a report still arriving there is refused and kept, like any."""

from __future__ import annotations

from vroeg_contracts import topics
from vroeg_contracts.events import ErasureRequested
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime.consuming import Delivery, PermanentError, Subscription, Within, consume, envelopes_of, position_of
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.incoming import json_report
from ..handlers.dependencies import IntakeDependencies
from ..handlers.erasure import erase_household
from ..handlers.partner_answers import record_feedback, record_feedback_batch
from ..handlers.take_report import Sent, take_report, take_reports

# Every partner, in a subscription pattern (FastStream's syntax, as the contracts name the topics).
PARTNER = "{partner_id}"


def register(runtime: ServiceRuntime, deps: IntakeDependencies) -> None:
    async def take_one(uow: UnitOfWork, sent: Sent) -> None:
        await take_report(uow, deps, sent, channel="kafka")

    async def take_batch(uow: UnitOfWork, batch: list[Sent], within: Within) -> None:
        await take_reports(uow, deps, batch, channel="kafka", within=within)

    # Records are taken a batch per unit of work, with their inbox claims; the offsets are committed
    # after it. The inbox key is the record's position (topic:partition:offset), never a header: a
    # partner's headers are the partner's to choose. A partner report carries personal data in clear,
    # so its dead letter keeps only the pointer in the headers; the bytes stay on the partner topic.
    consume(runtime, [], pattern=topics.partner_reports(PARTNER), group_id="vroeg-intake", hot=True,
            subscription=Subscription(inbox="partner-reports", parse=_partner_report, handle=take_one,
                                      handle_batch=take_batch, message_id=position_of),
            protect_dead_letter=lambda _raw: b"")

    def feedback_of(delivery: Delivery) -> ReportFeedback:
        feedback = ReportFeedback.model_validate_json(delivery.value)
        if feedback.partner_id != topics.partner_of_feedback_topic(delivery.topic):
            raise PermanentError(f"partner_id: feedback for another partner on {delivery.topic}")
        return feedback

    # The feedback's id is derived from the report, so the same feedback published again is claimed once.
    consume(runtime, [], pattern=topics.partner_feedback(PARTNER), group_id="vroeg-intake-feedback",
            subscription=Subscription(inbox="partner-feedback", parse=feedback_of, handle=record_feedback,
                                      handle_batch=record_feedback_batch,
                                      message_id=lambda _delivery, feedback: str(feedback.feedback_id)))

    consume(runtime, [topics.ERASURE_REQUESTED], group_id="vroeg-intake-erasure",
            subscription=Subscription(inbox="erasure-requested", parse=envelopes_of(ErasureRequested),
                                      handle=erase_household))


def _partner_report(delivery: Delivery) -> Sent:
    """A record as a report: bytes that are not a report are still one, answered with a rejection."""
    return Sent(json_report(delivery.value), _sender(delivery), delivery.message_id)


def _sender(delivery: Delivery) -> str:
    # The topic name proves the partner: a report claiming another partner id is refused.
    sender = topics.partner_of_reports_topic(delivery.topic)
    assert sender is not None, f"subscribed to a topic that is not a partner report topic: {delivery.topic}"
    return sender
