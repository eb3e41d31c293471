"""The answers a partner can read back over HTTP, from intake's own store: its rejections, the
warnings of its reports accepted without a field, and the feedback outreach sent it. Newest first,
a page at a time, after a position (`domain.paging`). Never a value from a report."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from vroeg_contracts.partner_messages import FieldReason, ReportAcceptedWithWarnings, ReportFeedback, ReportRejected

from ..domain.paging import Position

Answer = ReportRejected | ReportAcceptedWithWarnings


class PartnerAnswers:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def record_feedback(self, feedback: list[ReportFeedback]) -> None:
        """Keep reports' feedback, in one statement; one kept already stays as it is (one answer per report)."""
        await self.conn.execute(
            "INSERT INTO partner_feedback (feedback_id, partner_id, report_id, outcome, decided_at)"
            " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])"
            " ON CONFLICT DO NOTHING",
            [f.feedback_id for f in feedback], [f.partner_id for f in feedback], [f.report_id for f in feedback],
            [f.outcome for f in feedback], [f.decided_at for f in feedback])

    async def answers(self, partner_id: str, after: Position | None, limit: int) -> list[tuple[Position, Answer]]:
        """The partner's rejections (when first refused) and warnings (when the version that stands was
        accepted), newest first, after `after`."""
        rows = await self.conn.fetch(
            """SELECT * FROM (
                 SELECT 'rejected' AS kind, j.rejection_id AS id, j.created_at AS at, j.report_id, r.channel, j.reasons
                 FROM rejections j JOIN raw_reports r USING (raw_report_id) WHERE j.partner_id = $1
                 UNION ALL
                 SELECT 'warned', s.signal_id, s.updated_at, s.report_id, r.channel, s.warnings
                 FROM signals s JOIN raw_reports r USING (raw_report_id) WHERE s.partner_id = $1 AND s.warnings <> '[]'
               ) answers
               WHERE $2::timestamptz IS NULL OR (at, id) < ($2, $3)
               ORDER BY at DESC, id DESC LIMIT $4""",
            partner_id, after.at if after else None, after.id if after else None, limit)
        return [(Position(row["at"], row["id"]), _answer(partner_id, row)) for row in rows]

    async def feedback(self, partner_id: str, after: Position | None, limit: int) -> list[tuple[Position, ReportFeedback]]:
        """The partner's feedback, newest first by when intake received it (so a page read later
        never misses one decided earlier but delivered late), after `after`."""
        rows = await self.conn.fetch(
            """SELECT feedback_id, report_id, outcome, decided_at, received_at FROM partner_feedback
               WHERE partner_id = $1 AND ($2::timestamptz IS NULL OR (received_at, feedback_id) < ($2, $3))
               ORDER BY received_at DESC, feedback_id DESC LIMIT $4""",
            partner_id, after.at if after else None, after.id if after else None, limit)
        return [(Position(row["received_at"], row["feedback_id"]),
                 ReportFeedback(feedback_id=row["feedback_id"], partner_id=partner_id, report_id=row["report_id"],
                                outcome=row["outcome"], decided_at=row["decided_at"])) for row in rows]


def _answer(partner_id: str, row: Any) -> Answer:
    reasons = [FieldReason(**reason) for reason in json.loads(row["reasons"])]
    if row["kind"] == "rejected":
        return ReportRejected(rejection_id=row["id"], partner_id=partner_id, report_id=row["report_id"],
                              channel=row["channel"], rejected_at=row["at"], reasons=reasons)
    return ReportAcceptedWithWarnings(partner_id=partner_id, report_id=row["report_id"], channel=row["channel"],
                                      accepted_at=row["at"], reasons=reasons)
