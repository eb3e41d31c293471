"""What the team's API and the DDAS delivery read: the worklist's entries, a case page, and the
records of a reporting period. Read-only queries; they return domain records or plain dicts."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import ContactDetails

from ..domain.attempts import ONE_WAY_KINDS
from ..domain.calendar import AMSTERDAM
from ..domain.ddas import AttemptRecord, CaseRecord, PeriodRecords, SignalRecord
from ..domain.ddas_lists import IN_A_CASE
from ..domain.worklist import WorkEntry

ACTIVITY = {"call": "Telefoon", "visit": "Huisbezoek"}
# The local date of a timestamp, as SQL: DDAS dates and periods are days in Amsterdam.
LOCAL_DAY = "(({}) AT TIME ZONE 'Europe/Amsterdam')::date"
# How many unreached attempts a case (aliased `c`) has had; $2 is the list of one-way kinds, which
# never count (see domain.attempts).
UNREACHED = ("(SELECT count(*) FROM contact_attempts a WHERE a.case_id = c.case_id AND NOT a.reached"
             " AND a.kind <> ALL($2::text[]))")
# The case (aliased `c`) belongs to one of the reader's municipalities, $3 (NULL: the whole installation).
IN_SCOPE = "($3::text[] IS NULL OR c.municipality_code = ANY($3::text[]))"


def _scope(municipalities: tuple[str, ...] | None) -> list[str] | None:
    return None if municipalities is None else list(municipalities)


class Reads:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self.conn = conn

    # The worklist

    async def work_entries(self, day: date, municipalities: tuple[str, ...] | None = None) -> list[WorkEntry]:
        """Open calls and visits (announced, or still planned) due on or before `day`, of open cases
        of `municipalities` (None: every municipality)."""
        end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
        rows = await self.conn.fetch(
            f"""SELECT w.case_id, w.kind, w.due_at, true AS announced, c.intensity, {UNREACHED} AS unreached
                FROM work_items w JOIN cases c USING (case_id)
                WHERE w.closed_at IS NULL AND c.status = 'open' AND w.due_at < $1 AND {IN_SCOPE}
                UNION ALL
                SELECT s.case_id, s.step, s.due_at, false, c.intensity, {UNREACHED}
                FROM schedule s JOIN cases c USING (case_id)
                WHERE s.step IN ('call', 'visit') AND s.done_at IS NULL AND s.cancelled_at IS NULL
                  AND c.status = 'open' AND s.due_at < $1 AND {IN_SCOPE}""",
            end_of_day, sorted(ONE_WAY_KINDS), _scope(municipalities))
        return [WorkEntry(r["case_id"], ACTIVITY[r["kind"]], r["due_at"], r["announced"], r["intensity"], r["unreached"])
                for r in rows]

    async def contacts(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, ContactDetails]:
        rows = await self.conn.fetch("SELECT case_id, contact FROM cases WHERE case_id = ANY($1::uuid[])", case_ids)
        return {r["case_id"]: ContactDetails.model_validate_json(r["contact"]) for r in rows}

    # Cases

    async def case_list(self, *, status: str | None, limit: int, offset: int,
                        municipalities: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            """SELECT c.case_id, c.status, c.intensity, c.action, c.outcome, c.opened_at, c.closed_at,
                      c.municipality_code, (SELECT count(*) FROM case_signals s WHERE s.case_id = c.case_id) AS signals
               FROM cases c WHERE ($1::text IS NULL OR c.status = $1)
                 AND ($4::text[] IS NULL OR c.municipality_code = ANY($4::text[]))
               ORDER BY c.opened_at DESC, c.case_id LIMIT $2 OFFSET $3""",
            status, limit, offset, _scope(municipalities))
        return [dict(r) for r in rows]

    async def case_page(self, case_id: uuid.UUID) -> dict[str, Any] | None:
        case = await self.conn.fetchrow("SELECT * FROM cases WHERE case_id = $1", case_id)
        if case is None:
            return None

        async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
            return [dict(r) for r in await self.conn.fetch(sql, *args)]

        return {
            "case": dict(case),
            "contact": ContactDetails.model_validate_json(case["contact"]),
            "signals": await rows(
                "SELECT * FROM case_signals WHERE case_id = $1 ORDER BY signal_date, partner_id", case_id),
            # Not the client kept for the DDAS delivery: the page has the case's contact details.
            "not_picked_up": await rows(
                """SELECT signal_id, household_key, partner_id, report_id, category, ddas_status, decided_at,
                          municipality_code
                   FROM signals_not_picked_up WHERE household_key = $1 ORDER BY decided_at""", case["household_key"]),
            "letters": await rows(
                "SELECT letter_id, kind, sent_at FROM letters WHERE case_id = $1 ORDER BY sent_at", case_id),
            "attempts": await rows(
                "SELECT * FROM contact_attempts WHERE case_id = $1 ORDER BY attempted_on, created_at", case_id),
            "planned": await rows(
                """SELECT step, due_at FROM schedule WHERE case_id = $1 AND done_at IS NULL AND cancelled_at IS NULL
                   ORDER BY due_at""", case_id),
            "work": await rows("SELECT kind, due_at FROM work_items WHERE case_id = $1 AND closed_at IS NULL", case_id),
            "referrals": await rows("SELECT * FROM referrals WHERE case_id = $1 ORDER BY requested_at", case_id),
            "notes": await rows(
                "SELECT note_id, text, written_by, written_at FROM case_notes WHERE case_id = $1 ORDER BY written_at",
                case_id),
            "timeline": [{**entry, "detail": json.loads(entry["detail"])} for entry in await rows(
                "SELECT occurred_at, kind, detail FROM case_timeline WHERE case_id = $1 ORDER BY occurred_at, entry_id",
                case_id)],
        }

    async def municipality_of(self, case_id: uuid.UUID) -> str | None:
        return await self.conn.fetchval("SELECT municipality_code FROM cases WHERE case_id = $1", case_id)

    async def letter(self, case_id: uuid.UUID, letter_id: uuid.UUID) -> dict[str, Any] | None:
        """Where a letter of the case went (the mailbox's reference), or None."""
        row = await self.conn.fetchrow(
            "SELECT letter_id, kind, sent_at, delivered_to FROM letters WHERE case_id = $1 AND letter_id = $2",
            case_id, letter_id)
        return dict(row) if row else None

    # A reporting period (DDAS and KPIs)

    async def period(self, start: date, end: date) -> PeriodRecords:
        """The records of [start, end] as the DDAS delivery defines them (see domain.ddas)."""
        cases = await self.conn.fetch(
            f"""SELECT case_id, municipality_code, contact, matched_on, window_start, window_end,
                       {LOCAL_DAY.format('opened_at')} AS opened_on,
                       CASE WHEN {LOCAL_DAY.format('closed_at')} <= $2 THEN outcome END AS outcome
                FROM cases
                WHERE {LOCAL_DAY.format('opened_at')} <= $2
                  AND (closed_at IS NULL OR {LOCAL_DAY.format('closed_at')} >= $1)""",
            start, end)
        case_ids = [c["case_id"] for c in cases]
        contacts = {c["case_id"]: ContactDetails.model_validate_json(c["contact"]) for c in cases}
        attempts: dict[uuid.UUID, list[AttemptRecord]] = defaultdict(list)
        for a in await self.conn.fetch(
                """SELECT case_id, kind, reached, attempted_on, day_part FROM contact_attempts
                   WHERE case_id = ANY($1::uuid[]) AND attempted_on <= $2""", case_ids, end):
            attempts[a["case_id"]].append(AttemptRecord(a["kind"], a["reached"], a["attempted_on"], a["day_part"]))
        signal_ids: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        signals: list[SignalRecord] = []
        municipality = {c["case_id"]: c["municipality_code"] for c in cases}
        # A repeat joins its household's case, yet keeps the status "Niet opgepakt: herhaalde melding".
        # A signal that ended in its case (migration 0012) stays in it; domain.ddas gives its status.
        for s in await self.conn.fetch(
                """SELECT s.*, n.ddas_status FROM case_signals s LEFT JOIN signals_not_picked_up n USING (signal_id)
                   WHERE s.case_id = ANY($1::uuid[]) ORDER BY s.signal_date, s.signal_id""", case_ids):
            signal_ids[s["case_id"]].append(s["signal_id"])
            signals.append(SignalRecord(s["signal_id"], municipality[s["case_id"]], Category(s["category"]),
                                        s["ddas_status"] or IN_A_CASE, contacts[s["case_id"]], s["signal_date"],
                                        s["arrears_since"], s["amount"], s["crisis"], s["ended"]))
        # A signal not picked up has the client matching passed on with it (migration 0011); one from
        # before has none, and then its household's case, if there is one, knows the household.
        for s in await self.conn.fetch(
                f"""SELECT n.signal_id, n.municipality_code, n.category, n.ddas_status, n.signal_date,
                           n.arrears_since, n.amount, n.crisis,
                           coalesce(n.contact, (SELECT contact FROM cases c WHERE c.household_key = n.household_key
                                                ORDER BY c.opened_at DESC LIMIT 1)) AS contact
                    FROM signals_not_picked_up n
                    WHERE n.municipality_code IS NOT NULL AND {LOCAL_DAY.format('n.decided_at')} BETWEEN $1 AND $2""",
                start, end):
            contact = ContactDetails.model_validate_json(s["contact"]) if s["contact"] else None
            signals.append(SignalRecord(s["signal_id"], s["municipality_code"], Category(s["category"]),
                                        s["ddas_status"], contact, s["signal_date"], s["arrears_since"], s["amount"],
                                        s["crisis"]))
        return PeriodRecords(signals=signals, cases=[
            CaseRecord(c["case_id"], c["municipality_code"], tuple(signal_ids[c["case_id"]]), c["opened_on"],
                       c["matched_on"], c["window_start"], c["window_end"], c["outcome"], tuple(attempts[c["case_id"]]))
            for c in cases])
