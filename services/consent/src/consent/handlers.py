"""Consent's use case: decide a data-share request and announce the decision."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareDenied, DataShareGranted, DataShareRequested
from vroeg_runtime import outbox

from .adapters.repository import ConsentRepository
from .domain.gate import ShareDecision, decide

SERVICE = "consent"


async def decide_share(conn: asyncpg.Connection, envelope: Envelope[DataShareRequested]) -> ShareDecision:
    request = envelope.payload
    repo = ConsentRepository(conn)
    consents = await repo.consents_of(request.person_key) if request.person_key else []
    decision = decide(consents, recipient=request.recipient, purpose=request.purpose,
                      requested=request.data_categories, at=datetime.now(UTC))
    await repo.record_decision(request_id=request.request_id, person_key=request.person_key,
                               requester=request.requester, recipient=request.recipient, purpose=request.purpose,
                               data_categories=request.data_categories, decision=decision)
    payload = (DataShareGranted(request_id=request.request_id, permitted_fields=list(decision.permitted),
                                consent_id=decision.consent_id)  # type: ignore[arg-type]
               if decision.granted else DataShareDenied(request_id=request.request_id, reason=decision.reason))
    await outbox.add(conn, envelope.caused(payload, producer=SERVICE))
    return decision
