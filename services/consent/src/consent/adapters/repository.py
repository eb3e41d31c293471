"""Consent's PostgreSQL repository."""

from __future__ import annotations

import uuid

import asyncpg

from ..domain.gate import Consent, ShareDecision


class ConsentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def consents_of(self, person_key: str) -> list[Consent]:
        rows = await self.conn.fetch("SELECT * FROM consents WHERE person_key = $1", person_key)
        return [Consent(r["consent_id"], r["recipient"], r["purpose"], frozenset(r["data_categories"]), r["given_at"],
                        r["valid_until"], r["withdrawn_at"]) for r in rows]

    async def record_decision(self, *, request_id: uuid.UUID, person_key: str | None, requester: str, recipient: str,
                              purpose: str, data_categories: list[str], decision: ShareDecision) -> bool:
        inserted = await self.conn.fetchval(
            """INSERT INTO share_decisions (request_id, person_key, requester, recipient, purpose, data_categories,
                                            granted, permitted, consent_id, reason)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING true""",
            request_id, person_key, requester, recipient, purpose, data_categories, decision.granted,
            list(decision.permitted), decision.consent_id, decision.reason,
        )
        return bool(inserted)
