"""Outreach's PostgreSQL repository: cases, their signals, letters, contact attempts, work items and
the timeline. The plan of each case is the schedule's (adapters/schedule.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import asyncpg

from vroeg_contracts.events import SignalEnd, SignalRef
from vroeg_contracts.privacy import ContactDetails
from vroeg_runtime import bulk

from ..domain.attempts import Attempt
from ..domain.case import ArrearsSummary, Case


def _case(row: asyncpg.Record) -> Case:
    return Case(row["case_id"], row["household_key"], row["municipality_code"], row["correlation_id"],
                row["intensity"], row["action"], row["status"], ContactDetails.model_validate_json(row["contact"]),
                row["has_phone"], row["outcome"], row["opened_at"], json.loads(row["trace_context"]))


@dataclass(frozen=True)
class NewCase:
    """A case to open, as `add_cases` stores it."""

    case_id: uuid.UUID
    household_key: str
    municipality_code: str
    correlation_id: uuid.UUID
    intensity: str
    action: str
    rule: str
    contact: ContactDetails
    matched_on: date | None
    window_start: date | None
    window_end: date | None
    trace_context: dict[str, str]
    arrears: ArrearsSummary


@dataclass(frozen=True)
class NotPickedUp:
    """A signal matching did not pick up, as `add_not_picked_up` keeps it."""

    signal_id: uuid.UUID
    household_key: str
    municipality_code: str
    partner_id: str
    report_id: str
    category: str
    ddas_status: str
    status_at: datetime
    contact: ContactDetails | None
    signal_date: date | None
    arrears_since: date | None
    amount: Decimal | None
    crisis: bool | None


@dataclass(frozen=True)
class SentLetter:
    """A letter sent, as `record_letter(s)` stores it."""

    letter_id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    sent_at: datetime
    delivered_to: str
    attempted_on: date
    day_part: str | None
    registered_by: str


class CaseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    # Cases

    async def existing(self, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `case_ids` are cases already (a redelivered decision's)."""
        rows = await self.conn.fetch("SELECT case_id FROM cases WHERE case_id = ANY($1::uuid[])", case_ids)
        return {row["case_id"] for row in rows}

    async def add_cases(self, cases: list[NewCase]) -> None:
        """Several new cases in one statement (one that exists already is left as it is)."""
        await self.conn.execute(
            """INSERT INTO cases (case_id, household_key, municipality_code, correlation_id, intensity, action, rule,
                                  contact, has_phone, matched_on, window_start, window_end, trace_context,
                                  arrears_categories, arrears_amount, arrears_since)
               SELECT case_id, household_key, municipality_code, correlation_id, intensity, action, rule, contact,
                      has_phone, matched_on, window_start, window_end, trace_context,
                      string_to_array(categories, ','), amount, since
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                           $8::jsonb[], $9::boolean[], $10::date[], $11::date[], $12::date[], $13::jsonb[],
                           $14::text[], $15::numeric[], $16::date[])
                    AS c(case_id, household_key, municipality_code, correlation_id, intensity, action, rule, contact,
                         has_phone, matched_on, window_start, window_end, trace_context, categories, amount, since)
               ON CONFLICT (case_id) DO NOTHING""",
            *bulk.columns([(c.case_id, c.household_key, c.municipality_code, c.correlation_id, c.intensity, c.action,
                            c.rule, c.contact.model_dump_json(exclude_none=True), bool(c.contact.phone), c.matched_on,
                            c.window_start, c.window_end, json.dumps(c.trace_context), ",".join(c.arrears.categories),
                            c.arrears.amount, c.arrears.since) for c in cases], 16))

    async def case_for_update(self, case_id: uuid.UUID) -> Case | None:
        row = await self.conn.fetchrow("SELECT * FROM cases WHERE case_id = $1 FOR UPDATE", case_id)
        return _case(row) if row else None

    async def cases_for_update(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, Case]:
        """Several cases, locked in the order of their ids (as one-by-one work locks them)."""
        rows = await self.conn.fetch(
            "SELECT * FROM cases WHERE case_id = ANY($1::uuid[]) ORDER BY case_id FOR UPDATE", case_ids)
        return {row["case_id"]: _case(row) for row in rows}

    async def update_case(self, case_id: uuid.UUID, *, intensity: str, action: str, rule: str,
                          contact: ContactDetails) -> None:
        await self.conn.execute(
            "UPDATE cases SET intensity = $2, action = $3, rule = $4, contact = $5::jsonb, has_phone = $6"
            " WHERE case_id = $1",
            case_id, intensity, action, rule, contact.model_dump_json(exclude_none=True), bool(contact.phone),
        )

    async def close_case(self, case_id: uuid.UUID, *, outcome: str, closed_by: str, closed_at: datetime) -> None:
        """Close with a DDAS outcome (what is still planned is the schedule's to cancel)."""
        await self.conn.execute(
            "UPDATE cases SET status = 'closed', outcome = $2, closed_by = $3, closed_at = $4 WHERE case_id = $1",
            case_id, outcome, closed_by, closed_at)

    # Signals

    async def add_signals(self, case_id: uuid.UUID, signals: list[SignalRef]) -> None:
        await self.add_signals_of({case_id: signals})

    async def add_signals_of(self, signals: dict[uuid.UUID, list[SignalRef]], *, summarise: bool = True) -> None:
        """The signals of several cases, in one statement, and (unless the caller wrote it) the cases'
        summary of them."""
        rows = [(case_id, s.signal_id, s.partner_id, s.report_id, s.category.value, s.signal_date, s.arrears_since,
                 s.amount, s.crisis, s.person_key, s.warm_handover)
                for case_id, refs in signals.items() for s in refs]
        await self.conn.execute(
            """INSERT INTO case_signals (case_id, signal_id, partner_id, report_id, category, signal_date, arrears_since,
                                         amount, crisis, person_key, warm_handover)
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[],
                                    $8::numeric[], $9::boolean[], $10::text[], $11::boolean[])
               ON CONFLICT DO NOTHING""", *bulk.columns(rows, 11))
        if summarise:
            await self.summarise_arrears(list(signals))

    async def summarise_arrears(self, case_ids: list[uuid.UUID]) -> None:
        """Keep the cases' summary of their signals (migration 0007) in step with case_signals: the
        arrears of the signals still open (a withdrawn or resolved one is no longer owed)."""
        await self.conn.execute(
            """UPDATE cases c SET arrears_categories = s.categories, arrears_amount = s.amount, arrears_since = s.since
               FROM (SELECT case_id,
                            coalesce(array_agg(DISTINCT category ORDER BY category) FILTER (WHERE ended IS NULL),
                                     '{}') AS categories,
                            sum(amount) FILTER (WHERE ended IS NULL) AS amount,
                            min(arrears_since) FILTER (WHERE ended IS NULL) AS since
                     FROM case_signals WHERE case_id = ANY($1::uuid[]) GROUP BY case_id) s
               WHERE c.case_id = s.case_id""", case_ids)

    async def signals(self, case_id: uuid.UUID, *, open_only: bool = False) -> list[dict[str, Any]]:
        """The case's signals; `open_only`: not those that ended (withdrawn or resolved)."""
        rows = await self.conn.fetch(
            "SELECT * FROM case_signals WHERE case_id = $1 AND (NOT $2::boolean OR ended IS NULL)"
            " ORDER BY signal_date, partner_id", case_id, open_only)
        return [dict(r) for r in rows]

    async def signals_of(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """The signals of several cases, each case's in the order of `signals`."""
        rows = await self.conn.fetch(
            "SELECT * FROM case_signals WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, signal_date, partner_id",
            case_ids)
        found: dict[uuid.UUID, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
        for row in rows:
            found[row["case_id"]].append(dict(row))
        return found

    async def end_signals(self, case_id: uuid.UUID, ends: list[SignalEnd]) -> list[SignalEnd]:
        """Mark the case's signals as ended, how and on which day; returns the ends that were new. A
        signal ends once: a repeated end (a redelivered decision) changes nothing."""
        rows = await self.conn.fetch(
            """UPDATE case_signals s SET ended = e.ended, ended_on = e.ended_on
               FROM unnest($2::uuid[], $3::text[], $4::date[]) AS e(signal_id, ended, ended_on)
               WHERE s.case_id = $1 AND s.signal_id = e.signal_id AND s.ended IS NULL RETURNING s.signal_id""",
            case_id, [e.signal_id for e in ends], [e.ended for e in ends], [e.on for e in ends])
        if rows:
            await self.summarise_arrears([case_id])
        ended = {r["signal_id"] for r in rows}
        return [e for e in ends if e.signal_id in ended]

    async def add_not_picked_up(self, signals: list[NotPickedUp]) -> dict[uuid.UUID, Literal["new", "changed"]]:
        """Keep signals not picked up, or give one kept already the status matching announced at
        `status_at` when that is newer (migration 0012), in one statement: which were kept new and
        which changed; a signal absent from the answer changed nothing (a redelivery, or an older
        announcement). Each signal at most once per call (one statement cannot update a row twice).
        `contact` holds only the signal's DDAS client (domain.ddas.client_details), stored as
        cases.contact is; details kept already stay."""
        rows = await self.conn.fetch(
            """INSERT INTO signals_not_picked_up AS n (signal_id, household_key, municipality_code, partner_id,
                                                       report_id, category, ddas_status, contact, signal_date,
                                                       arrears_since, amount, crisis, status_at)
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                    $7::text[], $8::jsonb[], $9::date[], $10::date[], $11::numeric[],
                                    $12::boolean[], $13::timestamptz[])
               ON CONFLICT (signal_id) DO UPDATE
                  SET ddas_status = EXCLUDED.ddas_status, status_at = EXCLUDED.status_at,
                      contact = coalesce(n.contact, EXCLUDED.contact),
                      signal_date = coalesce(n.signal_date, EXCLUDED.signal_date),
                      arrears_since = coalesce(n.arrears_since, EXCLUDED.arrears_since),
                      amount = coalesce(n.amount, EXCLUDED.amount), crisis = coalesce(n.crisis, EXCLUDED.crisis)
                WHERE n.ddas_status <> EXCLUDED.ddas_status
                  AND (n.status_at IS NULL OR n.status_at <= EXCLUDED.status_at)
               RETURNING signal_id, (xmax = 0) AS inserted""",  # xmax is 0 for a row this statement inserted
            *bulk.columns([(s.signal_id, s.household_key, s.municipality_code, s.partner_id, s.report_id, s.category,
                            s.ddas_status, s.contact.model_dump_json(exclude_none=True) if s.contact else None,
                            s.signal_date, s.arrears_since, s.amount, s.crisis, s.status_at) for s in signals], 13))
        return {row["signal_id"]: "new" if row["inserted"] else "changed" for row in rows}

    async def open_cases_of_households(self, household_keys: list[str]) -> dict[str, uuid.UUID]:
        """Each household's open case (the latest opened, should there be more), for those that have one."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT ON (household_key) household_key, case_id FROM cases"
            " WHERE household_key = ANY($1::text[]) AND status = 'open' ORDER BY household_key, opened_at DESC",
            household_keys)
        return {row["household_key"]: row["case_id"] for row in rows}

    # Letters and contact attempts

    async def first_letter_sent_at(self, case_id: uuid.UUID) -> datetime | None:
        return await self.conn.fetchval("SELECT min(sent_at) FROM letters WHERE case_id = $1 AND kind = 'first'", case_id)

    async def add_letter(self, letter_id: uuid.UUID, case_id: uuid.UUID, kind: str, sent_at: datetime,
                         delivered_to: str) -> None:
        await self.conn.execute(
            "INSERT INTO letters (letter_id, case_id, kind, sent_at, delivered_to) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT DO NOTHING",
            letter_id, case_id, kind, sent_at, delivered_to,
        )

    async def record_letter(self, letter_id: uuid.UUID, case_id: uuid.UUID, kind: str, sent_at: datetime,
                            delivered_to: str, *, attempted_on: date, day_part: str | None, registered_by: str) -> None:
        """A letter sent, in one round trip: the letter, its DDAS contact attempt (kind Brief, the
        letter's id as the attempt's) and its timeline entry, as `add_letter`, `add_contact_attempt`
        and `add_timeline` would write them."""
        await self.conn.execute(
            """WITH letter AS (
                   INSERT INTO letters (letter_id, case_id, kind, sent_at, delivered_to) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT DO NOTHING),
               attempt AS (
                   INSERT INTO contact_attempts (attempt_id, case_id, kind, reached, attempted_on, day_part, registered_by)
                   VALUES ($1, $2, 'Brief', false, $6, $7, $8) ON CONFLICT DO NOTHING)
               INSERT INTO case_timeline (case_id, kind, detail, occurred_at) VALUES ($2, 'letter_sent', $9::jsonb, $4)""",
            letter_id, case_id, kind, sent_at, delivered_to, attempted_on, day_part, registered_by,
            json.dumps({"letter_kind": kind}))

    async def record_letters(self, letters: list[SentLetter]) -> None:
        """`record_letter` for several letters, in one round trip."""
        await self.conn.execute(
            """WITH l AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[],
                                              $6::date[], $7::text[], $8::jsonb[])
                          AS l(letter_id, case_id, kind, sent_at, delivered_to, attempted_on, day_part, detail)),
               letter AS (
                   INSERT INTO letters (letter_id, case_id, kind, sent_at, delivered_to)
                   SELECT letter_id, case_id, kind, sent_at, delivered_to FROM l ON CONFLICT DO NOTHING),
               attempt AS (
                   INSERT INTO contact_attempts (attempt_id, case_id, kind, reached, attempted_on, day_part, registered_by)
                   SELECT letter_id, case_id, 'Brief', false, attempted_on, day_part, $9 FROM l ON CONFLICT DO NOTHING)
               INSERT INTO case_timeline (case_id, kind, detail, occurred_at)
               SELECT case_id, 'letter_sent', detail, sent_at FROM l""",
            [x.letter_id for x in letters], [x.case_id for x in letters], [x.kind for x in letters],
            [x.sent_at for x in letters], [x.delivered_to for x in letters], [x.attempted_on for x in letters],
            [x.day_part for x in letters], [json.dumps({"letter_kind": x.kind}) for x in letters],
            letters[0].registered_by if letters else "")

    async def first_letter_id(self, case_id: uuid.UUID) -> uuid.UUID | None:
        return await self.conn.fetchval(
            "SELECT letter_id FROM letters WHERE case_id = $1 ORDER BY sent_at LIMIT 1", case_id)

    async def add_contact_attempt(self, *, case_id: uuid.UUID, kind: str, reached: bool, attempted_on: date,
                                  day_part: str | None, registered_by: str, attempt_id: uuid.UUID | None = None) -> None:
        await self.conn.execute(
            """INSERT INTO contact_attempts (attempt_id, case_id, kind, reached, attempted_on, day_part, registered_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
            attempt_id or uuid.uuid4(), case_id, kind, reached, attempted_on, day_part, registered_by,
        )

    async def attempts(self, case_id: uuid.UUID) -> list[Attempt]:
        rows = await self.conn.fetch("SELECT kind, reached FROM contact_attempts WHERE case_id = $1", case_id)
        return [Attempt(r["kind"], r["reached"]) for r in rows]

    # Work items: the calls and visits on the team's worklist

    async def add_work_item(self, item_id: uuid.UUID, case_id: uuid.UUID, kind: str, due_at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO work_items (item_id, case_id, kind, due_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            item_id, case_id, kind, due_at)

    async def close_work_items(self, case_id: uuid.UUID, kind: str | None, reason: str) -> list[uuid.UUID]:
        """Close the case's open work items (of one kind, or all); returns their ids."""
        rows = await self.conn.fetch(
            """UPDATE work_items SET closed_at = now(), closed_reason = $3
               WHERE case_id = $1 AND closed_at IS NULL AND ($2::text IS NULL OR kind = $2) RETURNING item_id""",
            case_id, kind, reason)
        return [r["item_id"] for r in rows]

    async def open_visit_items(self, municipality_code: str) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(item id, case id) of every visit of one municipality still waiting on the worklist."""
        rows = await self.conn.fetch(
            """SELECT w.item_id, w.case_id FROM work_items w JOIN cases c USING (case_id)
               WHERE w.kind = 'visit' AND w.closed_at IS NULL AND c.municipality_code = $1 FOR UPDATE OF w""",
            municipality_code)
        return [(r["item_id"], r["case_id"]) for r in rows]

    # The timeline

    async def add_timeline(self, case_id: uuid.UUID, kind: str, detail: dict[str, Any] | None = None,
                           occurred_at: datetime | None = None) -> None:
        await self.add_timelines([(case_id, kind, detail or {})], occurred_at)

    async def add_timelines(self, entries: list[tuple[uuid.UUID, str, dict[str, Any]]],
                            occurred_at: datetime | None = None) -> None:
        """Timeline entries (case, kind, detail) of several cases, in one statement."""
        await self.conn.execute(
            "INSERT INTO case_timeline (case_id, kind, detail, occurred_at)"
            " SELECT case_id, kind, detail, COALESCE($4, now())"
            " FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS t(case_id, kind, detail)",
            [e[0] for e in entries], [e[1] for e in entries], [json.dumps(e[2], default=str) for e in entries],
            occurred_at)

    # Who works the case, and notes

    async def take(self, case_id: uuid.UUID, username: str, now: datetime) -> str | None:
        """Assign the case to `username` unless someone else has it; returns who has it afterwards.
        One statement, so two caseworkers taking the same case at once cannot both win."""
        row = await self.conn.fetchrow(
            """UPDATE cases SET assigned_to = $2, assigned_at = $3
               WHERE case_id = $1 AND (assigned_to IS NULL OR assigned_to = $2) RETURNING assigned_to""",
            case_id, username, now)
        if row is not None:
            return str(row["assigned_to"])
        return await self.conn.fetchval("SELECT assigned_to FROM cases WHERE case_id = $1", case_id)

    async def assign(self, case_id: uuid.UUID, username: str | None, now: datetime) -> None:
        await self.conn.execute("UPDATE cases SET assigned_to = $2, assigned_at = $3 WHERE case_id = $1",
                                case_id, username, now if username else None)

    async def add_note(self, note_id: uuid.UUID, case_id: uuid.UUID, text: str, written_by: str) -> None:
        await self.conn.execute(
            "INSERT INTO case_notes (note_id, case_id, text, written_by) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING", note_id, case_id, text, written_by)
