"""Feedback to partners: per report only `picked_up` or `not_picked_up`, once, never the reason.

`partner_feedback` remembers which report had its answer (keyed by partner and report). Recording
returns the message to send (a partner-facing message, not an envelope); the handler sends it through
its unit of work. Its id derives from the report, so it is the same message however often the
decision that caused it is redelivered.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

import asyncpg

from vroeg_contracts.partner_messages import ReportFeedback

_FEEDBACK_NAMESPACE = uuid.UUID("5d9b3f4e-7c1a-4f0b-9a4e-2f6d8c0b1e37")

Outcome = Literal["picked_up", "not_picked_up"]


class PartnerFeedback:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def record(self, *, partner_id: str, report_id: str, household_key: str,
                     outcome: Outcome) -> ReportFeedback | None:
        """Record the feedback for one report; the message to send, or None if that report had its
        feedback already."""
        decided_at = datetime.now(UTC)
        first = await self.conn.fetchval(
            """INSERT INTO partner_feedback (partner_id, report_id, household_key, outcome, decided_at)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true""",
            partner_id, report_id, household_key, outcome, decided_at)
        if not first:
            return None
        return ReportFeedback(feedback_id=uuid.uuid5(_FEEDBACK_NAMESPACE, f"{partner_id}/{report_id}"),
                              partner_id=partner_id, report_id=report_id, outcome=outcome, decided_at=decided_at)
