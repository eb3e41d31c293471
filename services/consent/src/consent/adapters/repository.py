"""Consent's PostgreSQL repository: consent records and share decisions (a granted decision is a grant)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

from ..domain.consents import Channel, Consent
from ..domain.gate import ShareDecision
from ..domain.grants import Grant
from .sql import rows_affected


def _consent(row: asyncpg.Record) -> Consent:
    return Consent(row["consent_id"], row["person_key"], row["recipient"], row["purpose"],
                   frozenset(row["data_categories"]), row["given_at"], row["valid_until"], row["withdrawn_at"],
                   row["registered_by"], Channel(row["channel"]), row["municipality_code"])


class ConsentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, consent: Consent) -> None:
        await self.conn.execute(
            """INSERT INTO consents (consent_id, person_key, recipient, purpose, data_categories, given_at,
                                     valid_until, withdrawn_at, registered_by, channel, municipality_code)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
            consent.consent_id, consent.person_key, consent.recipient, consent.purpose,
            sorted(consent.data_categories), consent.given_at, consent.valid_until, consent.withdrawn_at,
            consent.registered_by, consent.channel.value, consent.municipality_code,
        )

    async def get_for_update(self, consent_id: uuid.UUID) -> Consent | None:
        row = await self.conn.fetchrow("SELECT * FROM consents WHERE consent_id = $1 FOR UPDATE", consent_id)
        return _consent(row) if row else None

    async def save_withdrawal(self, consent: Consent) -> None:
        await self.conn.execute("UPDATE consents SET withdrawn_at = $2 WHERE consent_id = $1",
                                consent.consent_id, consent.withdrawn_at)

    async def consents_of(self, person_key: str, *, for_share: bool = False) -> list[Consent]:
        """A person's consents. `for_share` holds them until commit, so a withdrawal waits for a decision
        taken under the consent (and then revokes its grant) instead of missing it."""
        lock = " FOR SHARE" if for_share else ""
        rows = await self.conn.fetch(
            f"SELECT * FROM consents WHERE person_key = $1 ORDER BY given_at, consent_id{lock}", person_key)
        return [_consent(r) for r in rows]

    async def record_decision(self, *, request_id: uuid.UUID, person_key: str | None, household_key: str,
                              municipality_code: str, correlation_id: uuid.UUID, request_event_id: uuid.UUID,
                              requester: str, recipient: str, purpose: str, data_categories: list[str],
                              decision: ShareDecision) -> bool:
        """Store a decision; False if this request was decided before (the first decision stands)."""
        inserted = await self.conn.fetchval(
            """INSERT INTO share_decisions (request_id, person_key, household_key, municipality_code, correlation_id,
                                            request_event_id, requester, recipient, purpose, data_categories,
                                            granted, permitted, consent_id, reason)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               ON CONFLICT DO NOTHING RETURNING true""",
            request_id, person_key, household_key, municipality_code, correlation_id, request_event_id, requester,
            recipient, purpose, data_categories, decision.granted, list(decision.permitted), decision.consent_id,
            decision.reason,
        )
        return bool(inserted)

    async def grant_for_update(self, request_id: uuid.UUID) -> Grant | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM share_decisions WHERE request_id = $1 AND granted FOR UPDATE", request_id)
        return _grant(row) if row else None

    async def unused_grants_under(self, consent_id: uuid.UUID) -> list[Grant]:
        """Grants under this consent that nobody confirmed as used and that still stand."""
        rows = await self.conn.fetch(
            """SELECT * FROM share_decisions WHERE consent_id = $1 AND granted AND used_at IS NULL
                   AND revoked_at IS NULL ORDER BY decided_at FOR UPDATE""", consent_id)
        return [_grant(r) for r in rows]

    async def revoke(self, grants: Iterable[Grant], at: datetime) -> None:
        await self.conn.execute("UPDATE share_decisions SET revoked_at = $2 WHERE request_id = ANY($1::uuid[])",
                                [g.request_id for g in grants], at)

    async def mark_used(self, request_id: uuid.UUID, *, used_by: str, at: datetime) -> None:
        await self.conn.execute("UPDATE share_decisions SET used_at = $2, used_by = $3 WHERE request_id = $1",
                                request_id, at, used_by)

    async def person_keys_of_household(self, household_key: str) -> set[str]:
        """The persons a household's share requests named: their consents go with the household's erasure."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT person_key FROM share_decisions WHERE household_key = $1 AND person_key IS NOT NULL",
            household_key)
        return {r["person_key"] for r in rows}

    async def erase(self, *, household_key: str, person_keys: set[str]) -> dict[str, int]:
        """Delete the consents and share decisions of a household and its persons; counts per table."""
        decisions = await self.conn.execute(
            "DELETE FROM share_decisions WHERE household_key = $1 OR person_key = ANY($2::text[])",
            household_key, sorted(person_keys))
        consents = await self.conn.execute("DELETE FROM consents WHERE person_key = ANY($1::text[])",
                                           sorted(person_keys))
        return {"consents": rows_affected(consents), "share_decisions": rows_affected(decisions)}


def _grant(row: asyncpg.Record) -> Grant:
    return Grant(row["request_id"], row["consent_id"], row["person_key"], row["household_key"],
                 row["municipality_code"], row["correlation_id"], row["request_event_id"], row["used_at"],
                 row["revoked_at"])
