"""What a partner hears back, kept for partners without Kafka: the feedback outreach publishes on
the partner's feedback topic is recorded here, and the partner reads its answers (rejections,
warnings, feedback) a page at a time, newest first, only its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from vroeg_contracts.partner_messages import ReportFeedback
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.partner_answers import Answer, PartnerAnswers
from ..domain.paging import Page, Position

T = TypeVar("T")
REJECTIONS, FEEDBACK = "rejections", "feedback"  # the two lists; a cursor of one is refused by the other


async def record_feedback(uow: UnitOfWork, feedback: ReportFeedback) -> None:
    """Keep a report's feedback (picked up or not, never why); the same feedback again changes nothing."""
    await PartnerAnswers(uow.conn).record_feedback([feedback])


async def record_feedback_batch(uow: UnitOfWork, feedback: list[ReportFeedback], _within: Within = no_spans) -> None:
    """`record_feedback` for a batch, in one statement (issue 23: one statement per message was a
    twentieth of intake's time while outreach opened cases)."""
    if feedback:
        await PartnerAnswers(uow.conn).record_feedback(feedback)


async def rejections_page(uow: UnitOfWork, partner_id: str, cursor: str | None, limit: int) -> Page[Answer]:
    """A page of the partner's rejections and warnings, newest first; BadCursor for a cursor not handed out."""
    return await _page(PartnerAnswers(uow.conn).answers, REJECTIONS, partner_id, cursor, limit)


async def feedback_page(uow: UnitOfWork, partner_id: str, cursor: str | None, limit: int) -> Page[ReportFeedback]:
    """A page of the partner's feedback, newest first; BadCursor for a cursor not handed out."""
    return await _page(PartnerAnswers(uow.conn).feedback, FEEDBACK, partner_id, cursor, limit)


async def _page(read: Callable[[str, Position | None, int], Awaitable[list[tuple[Position, T]]]], listing: str,
                partner_id: str, cursor: str | None, limit: int) -> Page[T]:
    after = Position.of_cursor(cursor, listing) if cursor else None
    rows = await read(partner_id, after, limit + 1)  # one more tells whether another page follows
    items = rows[:limit]
    more = len(rows) > limit
    return Page([item for _, item in items], items[-1][0].cursor(listing) if more else None)
