"""The SQL behind the supervisor's figures: signal counts and case figures per month, and the ages
of open cases, for an account's municipalities."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from ..domain.attempts import ONE_WAY_KINDS
from ..domain.ddas_lists import HELP_OUTCOMES

LOCAL_MONTH = "date_trunc('month', ({}) AT TIME ZONE 'Europe/Amsterdam')::date"


class PastMonths:
    """The figures of months that are over, kept for a while per set of municipalities. They change
    only as late attempts and outcomes of old cases come in, so the supervisor's page recounts
    them every `keep` instead of on every view; the current month and the backlog are always live."""

    def __init__(self, keep: timedelta = timedelta(minutes=10)) -> None:
        self._keep = keep
        self._kept: dict[Hashable, tuple[datetime, Any]] = {}

    def get(self, key: Hashable, now: datetime) -> Any | None:
        kept = self._kept.get(key)
        return kept[1] if kept is not None and now < kept[0] else None

    def put(self, key: Hashable, figures: Any, now: datetime) -> None:
        self._kept = {k: v for k, v in self._kept.items() if now < v[0]}  # forget what ran out
        self._kept[key] = (now + self._keep, figures)


class FigureReads:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def signals_per_month(self, municipalities: tuple[str, ...], since: date,
                                until: date | None = None) -> list[tuple[date, str, int]]:
        """Signals in a case by their date, and signals not picked up by their decision (a repeat
        that joined a case counts once), from `since` up to `until` (not included; None: today)."""
        rows = await self.conn.fetch(
            f"""SELECT date_trunc('month', s.signal_date)::date AS month, s.category, count(*) AS n
                FROM case_signals s JOIN cases c USING (case_id)
                WHERE c.municipality_code = ANY($1::text[]) AND s.signal_date >= $2::date
                  AND ($3::date IS NULL OR s.signal_date < $3::date) GROUP BY 1, 2
                UNION ALL
                SELECT {LOCAL_MONTH.format('n.decided_at')}, n.category, count(*)
                FROM signals_not_picked_up n
                WHERE n.municipality_code = ANY($1::text[])
                  AND (n.decided_at AT TIME ZONE 'Europe/Amsterdam')::date >= $2::date
                  AND ($3::date IS NULL OR (n.decided_at AT TIME ZONE 'Europe/Amsterdam')::date < $3::date)
                  AND NOT EXISTS (SELECT 1 FROM case_signals s WHERE s.signal_id = n.signal_id) GROUP BY 1, 2""",
            list(municipalities), since, until)
        return [(r["month"], r["category"], r["n"]) for r in rows]

    async def cases_per_month(self, municipalities: tuple[str, ...], since: date,
                              until: date | None = None) -> list[dict[str, Any]]:
        """Per month of opening (from `since` up to `until`, not included; None: today): cases opened, reached, closed and helped, and the median days from
        the first signal to the first letter and from that letter to the first contact attempt.

        The signals, letters and attempts of the cases shown are aggregated per case in one pass
        (one hash join and one aggregate, not three lookups per case). `opened_at` is compared as
        an instant so the planner can estimate it. JIT is off for the rest of this transaction: a
        misestimate here once made PostgreSQL compile the statement, at more cost than running it."""
        await self.conn.execute("SET LOCAL jit = off")
        shown = ("c.municipality_code = ANY($1::text[]) "
                 "AND c.opened_at >= $2::date::timestamp AT TIME ZONE 'Europe/Amsterdam' "
                 "AND ($5::date IS NULL OR c.opened_at < $5::date::timestamp AT TIME ZONE 'Europe/Amsterdam')")
        rows = await self.conn.fetch(
            f"""WITH per_case AS (
                    SELECT e.case_id, min(e.signal_date) AS first_signal, min(e.sent_at) AS first_letter,
                           min(e.attempted_on) AS first_contact,
                           min(e.attempted_on) FILTER (WHERE e.reached) AS first_reached
                    FROM (SELECT s.case_id, s.signal_date, NULL::timestamptz AS sent_at, NULL::date AS attempted_on,
                                 NULL::boolean AS reached
                          FROM case_signals s
                          UNION ALL
                          SELECT l.case_id, NULL, l.sent_at, NULL, NULL FROM letters l
                          UNION ALL
                          SELECT a.case_id, NULL, NULL, a.attempted_on, a.reached FROM contact_attempts a
                          WHERE a.kind <> ALL($4::text[])) e
                    WHERE e.case_id IN (SELECT c.case_id FROM cases c WHERE {shown})
                    GROUP BY e.case_id
                )
                SELECT {LOCAL_MONTH.format('c.opened_at')} AS month, count(*) AS opened,
                       count(*) FILTER (WHERE p.first_reached IS NOT NULL) AS reached,
                       count(*) FILTER (WHERE c.status = 'closed') AS closed,
                       count(*) FILTER (WHERE c.outcome = ANY($3::text[])) AS helped,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY
                           (p.first_letter AT TIME ZONE 'Europe/Amsterdam')::date - p.first_signal)
                           AS days_to_letter,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY
                           p.first_contact - (p.first_letter AT TIME ZONE 'Europe/Amsterdam')::date)
                           AS days_to_contact
                FROM cases c LEFT JOIN per_case p USING (case_id)
                WHERE {shown}
                GROUP BY 1""",
            list(municipalities), since, sorted(HELP_OUTCOMES), sorted(ONE_WAY_KINDS), until)
        return [dict(r) for r in rows]

    async def open_case_ages(self, municipalities: tuple[str, ...], today: date,
                             bands: tuple[tuple[str, int, int | None], ...]) -> list[tuple[str, int]]:
        ages = await self.conn.fetch(
            """SELECT $2::date - (opened_at AT TIME ZONE 'Europe/Amsterdam')::date AS days, count(*) AS n
               FROM cases WHERE status = 'open' AND municipality_code = ANY($1::text[]) GROUP BY 1""",
            list(municipalities), today)
        return [(label, sum(r["n"] for r in ages if r["days"] >= low and (high is None or r["days"] < high)))
                for label, low, high in bands]
