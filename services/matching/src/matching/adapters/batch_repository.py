"""The repository for a batch of events handled in one transaction (matching's Kafka path).

`HouseholdRepository` makes a round trip per read and per write: about seven per report. This one
loads and locks every household the batch touches in four statements, serves the use cases from
those (an event sees what the events before it in the batch did to its household), and keeps the
writes until `flush`, which stores them with one statement per table. The use cases in `handlers/`
are the same for both; the events they emit leave through the unit of work, which writes them to
the outbox in one statement when it closes.

Asking for a household that was not loaded raises `NotLoaded`; the caller then handles the events
one by one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import asyncpg

from vroeg_contracts.privacy import SealedContact
from vroeg_runtime.bulk import columns

from ..domain.decisions import empty_announced
from ..domain.household import Household
from ..domain.model import Signal
from .repository import HouseholdRepository, _signal


class NotLoaded(LookupError):
    """The batch asked for a household that was not loaded with it."""


class BatchedHouseholdRepository(HouseholdRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(conn)
        self._households: dict[str, Household | None] = {}
        self._signal_rows: dict[uuid.UUID, tuple[Any, ...]] = {}
        self._closures: dict[uuid.UUID, tuple[str, date]] = {}
        self._announced: dict[str, str] = {}
        self._decisions: list[tuple[Any, ...]] = []

    async def load(self, household_keys: Iterable[str], *, create_in: Mapping[str, str] | None = None,
                   skip_locked: bool = False) -> None:
        """Lock and load the households (creating those in `create_in`, key -> municipality code).
        With `skip_locked`, a household another transaction holds is left out (it reads as None)."""
        keys = sorted(set(household_keys) | set(create_in or {}))
        if create_in:
            await self.conn.execute(
                "INSERT INTO households (household_key, municipality_code)"
                " SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                list(create_in), list(create_in.values()))
        # Locked in key order, so two batches never wait on each other in a circle.
        rows = await self.conn.fetch(
            "SELECT household_key, municipality_code, announced, last_event_at FROM households"
            " WHERE household_key = ANY($1::text[]) ORDER BY household_key"
            f" FOR UPDATE{' SKIP LOCKED' if skip_locked else ''}", keys)
        # One index lookup per key (LATERAL, kept apart by OFFSET 0), not `= ANY($1)` or a join:
        # until the first ANALYZE of a table that grows by the batch, the planner takes a few hundred
        # keys for a quarter of the table and scans all of it, a cost that grows with every report.
        signals = await self.conn.fetch(
            "SELECT s.* FROM unnest($1::text[]) AS k(key)"
            " CROSS JOIN LATERAL (SELECT * FROM signals WHERE household_key = k.key OFFSET 0) s", keys)
        closed = await self.conn.fetch(
            "SELECT c.household_key, c.episode_id, c.closed_on FROM unnest($1::text[]) AS k(key)"
            " CROSS JOIN LATERAL (SELECT * FROM case_closures WHERE household_key = k.key OFFSET 0) c", keys)
        self._households.update({key: None for key in keys})
        for row in rows:
            self._households[row["household_key"]] = Household(
                household_key=row["household_key"], municipality_code=row["municipality_code"],
                announced=json.loads(row["announced"]) if row["announced"] else empty_announced(),
                signals={}, contacts={}, closed={}, last_event_at=row["last_event_at"])
        for row in signals:
            household = self._households[row["household_key"]]
            if household is not None:
                household.signals[row["signal_id"]] = _signal(row)
                household.contacts[row["signal_id"]] = SealedContact.model_validate_json(row["sealed_contact"])
        for row in closed:
            household = self._households[row["household_key"]]
            if household is not None:
                household.closed[row["episode_id"]] = row["closed_on"]

    # Reads, from what was loaded: the household objects the use cases change in place.

    async def lock(self, household_key: str, *, create_in: str | None = None) -> Household | None:
        if household_key not in self._households:
            raise NotLoaded("a household outside the batch")
        return self._households[household_key]

    # Writes, kept until `flush`; each also updates the loaded household, as a reload would show it.

    async def save_signal(self, household_key: str, municipality_code: str, signal: Signal,
                          contact: SealedContact) -> None:
        self._signal_rows[signal.signal_id] = (
            signal.signal_id, household_key, municipality_code, signal.partner_id, signal.report_id,
            signal.category.value, signal.amount, signal.arrears_since, signal.signal_date, signal.crisis,
            signal.closed_on, signal.withdrawn, signal.reported_open, contact.model_dump_json(), signal.person_key,
            signal.warm_handover, signal.withdrawn_on)

    async def save_closure(self, household_key: str, episode_id: uuid.UUID, closed_on: date) -> date:
        household = await self.lock(household_key)
        earlier = household.closed.get(episode_id) if household else None
        latest = max(closed_on, earlier) if earlier else closed_on
        self._closures[episode_id] = (household_key, latest)
        return latest

    async def save_announced(self, household_key: str, announced: dict[str, Any]) -> None:
        household = await self.lock(household_key)
        if household is not None:
            household.announced = announced
        self._announced[household_key] = json.dumps(announced)

    async def record_decision(self, *, decision_id: uuid.UUID, household_key: str, cause_event_id: uuid.UUID,
                              outcome: str, rule: str, inputs: dict[str, Any], policy_version: str,
                              episode_id: uuid.UUID | None = None, signal_id: uuid.UUID | None = None,
                              event_id: uuid.UUID | None = None) -> None:
        self._decisions.append((decision_id, household_key, cause_event_id, outcome, rule,
                                json.dumps(inputs, default=str), episode_id, signal_id, event_id, policy_version))

    async def flush(self) -> None:
        """Store what the batch wrote, one statement per table."""
        if self._signal_rows:
            await self.conn.execute(
                """INSERT INTO signals (signal_id, household_key, municipality_code, partner_id, report_id, category,
                                        amount, arrears_since, signal_date, crisis, closed_on, withdrawn, reported_open,
                                        sealed_contact, person_key, warm_handover, withdrawn_on)
                   SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                        $7::numeric[], $8::date[], $9::date[], $10::bool[], $11::date[], $12::bool[],
                                        $13::bool[], $14::jsonb[], $15::text[], $16::bool[], $17::date[])
                   ON CONFLICT (signal_id) DO UPDATE SET
                       amount = EXCLUDED.amount, arrears_since = EXCLUDED.arrears_since,
                       signal_date = EXCLUDED.signal_date, crisis = EXCLUDED.crisis, closed_on = EXCLUDED.closed_on,
                       withdrawn = EXCLUDED.withdrawn, reported_open = EXCLUDED.reported_open,
                       sealed_contact = EXCLUDED.sealed_contact, person_key = EXCLUDED.person_key,
                       warm_handover = EXCLUDED.warm_handover, withdrawn_on = EXCLUDED.withdrawn_on,
                       updated_at = now()""",
                *columns(list(self._signal_rows.values()), 17))
        if self._closures:
            await self.conn.execute(
                """INSERT INTO case_closures (episode_id, household_key, closed_on)
                   SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[])
                   ON CONFLICT (episode_id) DO UPDATE SET closed_on = greatest(case_closures.closed_on, EXCLUDED.closed_on)""",
                list(self._closures), [k for k, _ in self._closures.values()], [d for _, d in self._closures.values()])
        if self._announced:
            await self.conn.execute(
                "UPDATE households h SET announced = u.announced, updated_at = now(), last_event_at = now()"
                " FROM unnest($1::text[], $2::jsonb[]) AS u(household_key, announced)"
                " WHERE h.household_key = u.household_key",
                list(self._announced), list(self._announced.values()))
        if self._decisions:
            await self.conn.execute(
                "INSERT INTO decisions (decision_id, household_key, cause_event_id, outcome, rule, inputs, episode_id,"
                " signal_id, event_id, policy_version)"
                " SELECT d, h, c, o, r, i, e, s, ev, v FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[],"
                "  $5::text[], $6::jsonb[], $7::uuid[], $8::uuid[], $9::uuid[], $10::text[]) WITH ORDINALITY"
                "  AS u(d, h, c, o, r, i, e, s, ev, v, n) ORDER BY n",
                *columns(self._decisions, 10))
