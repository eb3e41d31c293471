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
        return feedback_message(partner_id, report_id, outcome, decided_at)

    async def answered(self, reports: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of the (partner, report) pairs had their feedback already."""
        rows = await self.conn.fetch(
            """SELECT f.partner_id, f.report_id FROM partner_feedback f
               JOIN unnest($1::text[], $2::text[]) AS r(partner_id, report_id)
                 ON f.partner_id = r.partner_id AND f.report_id = r.report_id""",
            [r[0] for r in reports], [r[1] for r in reports])
        return {(row["partner_id"], row["report_id"]) for row in rows}

    async def record_many(self, messages: list[tuple[ReportFeedback, str]]) -> None:
        """Record several feedback messages (each with its household key) in one statement; the
        caller asked `answered` first, so these are new (one recorded meanwhile is left as it was)."""
        await self.conn.execute(
            """INSERT INTO partner_feedback (partner_id, report_id, household_key, outcome, decided_at)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
               ON CONFLICT DO NOTHING""",
            [m.partner_id for m, _ in messages], [m.report_id for m, _ in messages], [k for _, k in messages],
            [m.outcome for m, _ in messages], [m.decided_at for m, _ in messages])


def feedback_message(partner_id: str, report_id: str, outcome: Outcome, decided_at: datetime) -> ReportFeedback:
    """The feedback message for a report; its id derives from the report, so it is the same message
    however often the decision that caused it is redelivered."""
    return ReportFeedback(feedback_id=uuid.uuid5(_FEEDBACK_NAMESPACE, f"{partner_id}/{report_id}"),
                          partner_id=partner_id, report_id=report_id, outcome=outcome, decided_at=decided_at)
