"""Feedback to partners: per report only `picked_up` or `not_picked_up`, once, never the reason.

The message goes on the partner's own feedback topic through the outbox (a partner-facing message,
not an envelope), keyed by report id. Its id derives from the report, so it is the same message
however often the decision that caused it is redelivered.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

import asyncpg

from vroeg_contracts import topics
from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime import outbox

_FEEDBACK_NAMESPACE = uuid.UUID("5d9b3f4e-7c1a-4f0b-9a4e-2f6d8c0b1e37")


async def tell_partner(conn: asyncpg.Connection, *, partner_id: str, report_id: str, household_key: str,
                       outcome: Literal["picked_up", "not_picked_up"]) -> bool:
    """Record and send the feedback for one report; False if that report had its feedback already."""
    decided_at = datetime.now(UTC)
    first = await conn.fetchval(
        """INSERT INTO partner_feedback (partner_id, report_id, household_key, outcome, decided_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true""",
        partner_id, report_id, household_key, outcome, decided_at)
    if not first:
        return False
    feedback_id = uuid.uuid5(_FEEDBACK_NAMESPACE, f"{partner_id}/{report_id}")
    message = ReportFeedback(feedback_id=feedback_id, partner_id=partner_id, report_id=report_id, outcome=outcome,
                             decided_at=decided_at)
    await outbox.add_raw(conn, event_id=feedback_id, topic=topics.partner_feedback(partner_id), key=report_id,
                         payload=message.model_dump_json().encode(), headers={"message_type": message.message_type})
    return True
