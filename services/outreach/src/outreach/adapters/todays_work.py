"""Today's work as SQL: the open cases of an account's municipalities in their buckets (a call, a
visit or a follow-up letter due today or earlier, or nothing planned any more: waiting for an
outcome), filtered, counted and paged in the database so the page stays fast with many cases.

The counts and the page come from one statement, which ranks all open work once. What the list
filters and shows of a case's signals (kinds, total amount, since when) is kept on the case
(migration 0007, `CaseRepository.summarise_arrears`), so no view adds up signals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from ..domain.attempts import ONE_WAY_KINDS
from ..domain.calendar import AMSTERDAM
from ..domain.todays_work import INTENSITY_ORDER, PAGE_SIZE, WorkFilter, WorkRow

# $1 end of today, $2 today, $3 municipalities, $4 category, $5 minimum amount, $6 minimum days in
# arrears, $7 postcode area, $8 overdue only, $9 only this assignee.
_FILTERED = """
WITH due AS (
    SELECT w.case_id, CASE w.kind WHEN 'call' THEN 'calls' ELSE 'visits' END AS bucket, w.due_at
    FROM work_items w WHERE w.closed_at IS NULL AND w.due_at < $1
    UNION ALL
    SELECT s.case_id, CASE s.step WHEN 'call' THEN 'calls' WHEN 'visit' THEN 'visits' ELSE 'letters' END, s.due_at
    FROM schedule s
    WHERE s.step IN ('call', 'visit', 'follow_up_letter') AND s.done_at IS NULL AND s.cancelled_at IS NULL
      AND s.due_at < $1
), work AS (
    SELECT case_id, bucket, min(due_at) AS due_at FROM due GROUP BY case_id, bucket
    UNION ALL
    SELECT c.case_id, 'outcome', NULL FROM cases c
    WHERE c.status = 'open'
      AND NOT EXISTS (SELECT 1 FROM work_items w WHERE w.case_id = c.case_id AND w.closed_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM schedule s WHERE s.case_id = c.case_id AND s.done_at IS NULL
                                                 AND s.cancelled_at IS NULL)
), filtered AS (
    SELECT work.case_id, work.bucket, work.due_at, c.intensity, c.opened_at, c.assigned_to,
           c.arrears_categories AS categories, c.arrears_amount AS amount, c.arrears_since,
           (work.due_at IS NOT NULL AND (work.due_at AT TIME ZONE 'Europe/Amsterdam')::date < $2) AS overdue
    FROM work JOIN cases c USING (case_id)
    WHERE c.status = 'open' AND c.municipality_code = ANY($3::text[])
      AND ($4::text IS NULL OR $4 = ANY(c.arrears_categories))
      AND ($5::numeric IS NULL OR c.arrears_amount >= $5)
      AND ($6::int IS NULL OR $2::date - c.arrears_since >= $6)
      AND ($7::text IS NULL OR replace(c.contact->>'postcode', ' ', '') LIKE $7 || '%')
      AND (NOT $8::boolean OR (work.due_at AT TIME ZONE 'Europe/Amsterdam')::date < $2)
      AND ($9::text IS NULL OR c.assigned_to = $9)
)
"""

# Rows `$12` (exclusive) to `$13` of every bucket, crises first, then several arrears at once, then
# the oldest; and the first row of every bucket, which carries the bucket's count also when the page
# lies past the bucket's end (the caller drops it from the rows then).
_PAGE = _FILTERED + """
, ranked AS (
    SELECT filtered.*,
           row_number() OVER (PARTITION BY bucket ORDER BY array_position($11::text[], intensity),
                                                          coalesce(due_at, opened_at), opened_at, case_id) AS position,
           count(*) OVER (PARTITION BY bucket) AS in_bucket
    FROM filtered)
SELECT r.*,
       (SELECT count(*) FROM contact_attempts a WHERE a.case_id = r.case_id AND NOT a.reached
                                                  AND a.kind <> ALL($10::text[])) AS unreached
FROM ranked r
WHERE (r.position > $12 AND r.position <= $13) OR r.position = 1
ORDER BY r.bucket, r.position"""


class TodaysWorkReads:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    def _args(self, day: date, municipalities: tuple[str, ...], work_filter: WorkFilter,
              username: str) -> list[Any]:
        end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
        f = work_filter
        return [end_of_day, day, list(municipalities), f.category, f.min_amount, f.min_days_in_arrears,
                f.postcode_area, f.overdue_only, username if f.mine_only else None]

    async def counts(self, day: date, municipalities: tuple[str, ...], work_filter: WorkFilter,
                     username: str) -> dict[str, int]:
        """The number of cases in every bucket (a bucket without any is left out)."""
        rows = await self.conn.fetch(
            _FILTERED + "SELECT bucket, count(*) AS n FROM filtered GROUP BY bucket",
            *self._args(day, municipalities, work_filter, username))
        return {r["bucket"]: r["n"] for r in rows}

    async def counts_and_page(self, day: date, municipalities: tuple[str, ...], work_filter: WorkFilter,
                              username: str, page: int) -> tuple[dict[str, int], list[WorkRow]]:
        """The counts as `counts()` gives them, and rows `page * PAGE_SIZE` to `(page + 1) *
        PAGE_SIZE` of every bucket: crises first, then several arrears at once, then the oldest."""
        first, last = page * PAGE_SIZE, (page + 1) * PAGE_SIZE
        records = await self.conn.fetch(
            _PAGE, *self._args(day, municipalities, work_filter, username), sorted(ONE_WAY_KINDS),
            list(INTENSITY_ORDER), first, last)
        counts = {r["bucket"]: r["in_bucket"] for r in records if r["position"] == 1}
        return counts, [
            WorkRow(r["case_id"], r["bucket"], r["intensity"], r["due_at"], r["opened_at"],
                    tuple(sorted(r["categories"] or ())), r["amount"], r["arrears_since"], r["unreached"],
                    r["assigned_to"], r["overdue"])
            for r in records if first < r["position"] <= last]
