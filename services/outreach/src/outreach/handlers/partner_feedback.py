"""Tell a partner whether its report was picked up: once per report, on the partner's own feedback
topic, keyed by report id, and never why (README, "Feedback to partners")."""

from __future__ import annotations

from collections.abc import Iterable

from vroeg_contracts import topics
from vroeg_contracts.events import SignalRef
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.feedback import Outcome, PartnerFeedback


async def tell_partner(uow: UnitOfWork, *, partner_id: str, report_id: str, household_key: str,
                       outcome: Outcome) -> bool:
    """Record and send the feedback for one report; False if that report had its feedback already."""
    message = await PartnerFeedback(uow.conn).record(partner_id=partner_id, report_id=report_id,
                                                      household_key=household_key, outcome=outcome)
    if message is None:
        return False
    send_feedback(uow, message)
    return True


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
