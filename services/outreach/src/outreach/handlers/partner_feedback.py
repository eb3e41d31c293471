"""Tell a partner whether its report was picked up: once per report, on the partner's own feedback
topic, keyed by report id, and never why (README, "Feedback to partners")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from vroeg_contracts import topics
from vroeg_contracts.events import SignalRef
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.feedback import Outcome, PartnerFeedback, feedback_message


async def tell_partner(uow: UnitOfWork, *, partner_id: str, report_id: str, household_key: str,
                       outcome: Outcome) -> bool:
    """Record and send the feedback for one report; False if that report had its feedback already."""
    message = await PartnerFeedback(uow.conn).record(partner_id=partner_id, report_id=report_id,
                                                      household_key=household_key, outcome=outcome)
    if message is None:
        return False
    send_feedback(uow, message)
    return True


def tell_once_in_batch(uow: UnitOfWork, answered: set[tuple[str, str]], messages: list[tuple[ReportFeedback, str]], *,
                       partner_id: str, report_id: str, household_key: str, outcome: Outcome,
                       decided_at: datetime) -> None:
    """In a batch: send the feedback for a report not answered yet (`answered`, read first with
    `PartnerFeedback.answered`, grows as the batch goes), and add it to `messages` for `record_many`."""
    if (partner_id, report_id) in answered:
        return
    answered.add((partner_id, report_id))
    message = feedback_message(partner_id, report_id, outcome, decided_at)
    messages.append((message, household_key))
    send_feedback(uow, message)


def send_feedback(uow: UnitOfWork, message: ReportFeedback) -> None:
    """Publish a feedback message on the partner's own topic, keyed by its report id."""
    uow.emit_raw(event_id=message.feedback_id, topic=topics.partner_feedback(message.partner_id),
                 key=message.report_id, payload=message.model_dump_json().encode(),
                 headers={"message_type": message.message_type})


async def tell_picked_up(uow: UnitOfWork, household_key: str, signals: Iterable[SignalRef]) -> None:
    """Every signal that became part of a case (opened or escalated) was picked up."""
    for signal in signals:
        await tell_partner(uow, partner_id=signal.partner_id, report_id=signal.report_id,
                           household_key=household_key, outcome="picked_up")
