"""The step every event about a household ends in: decide on the household as it now is, record
every decision with its inputs, and emit the events the decisions announce. And the way a batch of
such events is handled at once (ADR 0005)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from vroeg_contracts.envelope import Envelope
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.batch_repository import BatchedHouseholdRepository
from ..adapters.repository import HouseholdRepository
from ..config import SERVICE
from ..domain.decisions import decide
from ..domain.household import Household
from ..domain.inputs import decision_inputs
from ..domain.messages import outgoing
from ..domain.model import Assessment
from ..domain.policy import PolicyInForce

_DECISIONS = uuid.UUID("8f3e2b7a-4c1d-4e6f-9a0b-2c3d4e5f6a7b")

# One event's use case on a repository (the plain one, or the batch's loading one).
Step = Callable[[HouseholdRepository, Envelope[Any]], Awaitable[list[str]]]


async def decide_and_announce(uow: UnitOfWork, repo: HouseholdRepository, envelope: Envelope[Any],
                              household: Household, in_force: PolicyInForce, trigger: dict[str, str],
                              nothing_new: Callable[[Assessment], str]) -> list[str]:
    """Decide on the household as it now is; emit and record every decision, or record that there
    was none. Every decision records the version of the policy that made it."""
    policy, version = in_force.policy, in_force.version
    assessment, decisions, announced = decide(household.household_key, household.signals, policy,
                                              household.announced, household.closed)
    await repo.save_announced(household.household_key, announced)
    inputs = decision_inputs(household, in_force, assessment, trigger)
    outcomes: list[str] = []
    for number, decision in enumerate(decisions):
        # Derived from the cause, so a transaction retried after a failure writes the same ids.
        decision_id = uuid.uuid5(_DECISIONS, f"{envelope.event_id}/{number}")
        out = outgoing(decision, decision_id, household.signals, household.contacts, policy)
        message = envelope.caused(out.payload, producer=SERVICE)
        uow.emit(message)
        await repo.record_decision(decision_id=decision_id, household_key=household.household_key,
                                   cause_event_id=envelope.event_id, outcome=out.payload.event_type, rule=out.rule,
                                   inputs=inputs, policy_version=version, episode_id=out.episode_id,
                                   signal_id=out.signal_id, event_id=message.event_id)
        outcomes.append(out.payload.event_type)
    if not decisions:
        await repo.record_decision(decision_id=uuid.uuid5(_DECISIONS, f"{envelope.event_id}/nothing"),
                                   household_key=household.household_key, cause_event_id=envelope.event_id,
                                   outcome="NothingToDo", rule=nothing_new(assessment), inputs=inputs,
                                   policy_version=version)
        outcomes.append("NothingToDo")
    return outcomes


async def in_one_batch(uow: UnitOfWork, envelopes: Sequence[Envelope[Any]], step: Step, *, create_households: bool,
                       within: Within = no_spans) -> list[list[str]]:
    """Handle a batch of events in the unit of work with a few statements for the whole batch
    (`BatchedHouseholdRepository`), in order: each event sees what the ones before it did.
    `within(i)` wraps the handling of event i (its trace span).

    Raises `NotLoaded` if an event needs a household that was not loaded: the unit rolls back and
    the consumer handles the events one by one.
    """
    repo = BatchedHouseholdRepository(uow.conn)
    await repo.load([e.household_key for e in envelopes],
                    create_in={e.household_key: e.municipality_code for e in envelopes} if create_households else None)
    outcomes = []
    for index, envelope in enumerate(envelopes):
        with within(index):
            outcomes.append(await step(repo, envelope))
    await repo.flush()
    return outcomes
