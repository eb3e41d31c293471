"""Matching's read API: a household's decision history, for the outreach team and auditors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, HTTPException, Path, status
from pydantic import BaseModel

from vroeg_runtime.staff_auth import staff_dependency

from ..adapters.repository import HouseholdRepository
from ..bootstrap import Matching
from ..staff import StaffMember

log = structlog.get_logger(__name__)


class DecisionOut(BaseModel):
    decision_id: uuid.UUID
    decided_at: datetime
    outcome: str  # HouseholdAtRisk, HouseholdRiskEscalated, SignalNotPickedUp or NothingToDo
    rule: str  # the rule that fired, in words
    episode_id: uuid.UUID | None
    signal_id: uuid.UUID | None
    event_id: uuid.UUID | None  # the event published, if any
    cause_event_id: uuid.UUID  # the event that led to the decision
    inputs: dict[str, Any]  # the policy, the signals, closed cases and the assessment it was taken on


class HistoryOut(BaseModel):
    household_key: str
    municipality_code: str
    decisions: list[DecisionOut]


def register(app: FastAPI, matching: Matching) -> None:
    # Who may read depends on the household's municipality, so the 403 is decided below.
    staff_member = staff_dependency(matching.staff.authenticate)

    @app.get("/v1/households/{household_key}/decisions", tags=["decisions"], response_model=HistoryOut,
             responses={401: {"description": "no valid staff token"},
                        403: {"description": "the member may not read this household's decisions"},
                        404: {"description": "matching holds nothing about this household"}})
    async def household_decisions(household_key: Annotated[str, Path(min_length=1, max_length=200)],
                                  member: StaffMember = Depends(staff_member)) -> HistoryOut:
        """Every decision about the household, oldest first, with the rule that fired and its inputs.
        Each read is recorded (who, when, which household)."""
        async with matching.runtime.db.acquire() as conn, conn.transaction():
            repo = HouseholdRepository(conn)
            history = await repo.history(household_key)
            if history is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no decisions about this household")
            if not member.may_read_decisions_of(history.municipality_code):
                log.warning("decision_read_refused", reader=member.id, role=member.role.value)
                raise HTTPException(status.HTTP_403_FORBIDDEN, "not allowed to read this household's decisions")
            await repo.record_read(household_key, reader=member.id, role=member.role.value, channel="api")
        return HistoryOut(household_key=history.household_key, municipality_code=history.municipality_code,
                          decisions=[DecisionOut(**vars(d)) for d in history.decisions])
