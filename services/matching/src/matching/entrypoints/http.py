"""Matching's read API: a household's decision history, for the outreach team and auditors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, status
from pydantic import BaseModel

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.staff_auth import staff_dependency
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..domain.staff import StaffMember
from ..handlers.dependencies import MatchingDependencies
from ..handlers.history import read_history


class DecisionOut(BaseModel):
    decision_id: uuid.UUID
    decided_at: datetime
    # HouseholdAtRisk, HouseholdRiskEscalated, SignalsJoinedCase, CaseBasisChanged, SignalNotPickedUp or NothingToDo
    outcome: str
    rule: str  # the rule that fired, in words
    policy_version: str | None  # the policy that made it; None if taken before versions were recorded
    episode_id: uuid.UUID | None
    signal_id: uuid.UUID | None
    event_id: uuid.UUID | None  # the event published, if any
    cause_event_id: uuid.UUID  # the event that led to the decision
    inputs: dict[str, Any]  # the policy, the signals, closed cases and the assessment it was taken on


class HistoryOut(BaseModel):
    household_key: str
    municipality_code: str
    decisions: list[DecisionOut]


def register(app: FastAPI, runtime: ServiceRuntime, deps: MatchingDependencies) -> None:
    # Who may read depends on the household's municipality, so the refusal is decided by the use case.
    staff_member = staff_dependency(deps.staff.authenticate)

    @app.get("/v1/households/{household_key}/decisions", tags=["decisions"], response_model=HistoryOut,
             responses={401: {"description": "no valid staff token"},
                        404: {"description": "matching holds nothing about this household, or the household"
                                             " belongs to a municipality the member does not serve (the same"
                                             " answer, so it does not tell whether the household exists)"}})
    async def household_decisions(household_key: Annotated[str, Path(min_length=1, max_length=200)],
                                  member: StaffMember = Depends(staff_member)) -> HistoryOut:
        """Every decision about the household, oldest first, with the rule that fired, the version
        of the policy that made it and its inputs. Each read is recorded (who, when, which household),
        and so is each refused one."""
        async with pooled_unit_of_work(runtime.db) as uow:
            history = await read_history(uow, household_key, reader=member.id, role=member.role.value,
                                         channel="api", may_read=member.may_read_decisions_of)
        if history is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no decisions about this household")
        return HistoryOut(household_key=history.household_key, municipality_code=history.municipality_code,
                          decisions=[DecisionOut(**vars(d)) for d in history.decisions])
