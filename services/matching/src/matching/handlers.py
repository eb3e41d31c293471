"""Matching's use cases, one per incoming event (a reported signal, a closed case, an erasure
request) and the retention sweep. Each runs in the caller's transaction, with the inbox claim."""

from __future__ import annotations

from dataclasses import replace

import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

import asyncpg
import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ArrearsReported, CaseClosed, ErasureCompleted, ErasureRequested
from vroeg_contracts.partner_report import AMSTERDAM, ReportStatus
from vroeg_runtime import outbox
from vroeg_runtime.consuming import PermanentError
from vroeg_runtime.outbox import OutboxMessage

from .adapters.batch_repository import BatchedHouseholdRepository
from .adapters.repository import Household, HouseholdRepository, signal_inputs
from .domain.decisions import decide
from .domain.durations import Period
from .domain.model import Assessment, Signal
from .domain.policy import Policy
from .domain.retention import may_forget
from .messages import outgoing

SERVICE = "matching"
log = structlog.get_logger(__name__)
_DECISIONS = uuid.UUID("8f3e2b7a-4c1d-4e6f-9a0b-2c3d4e5f6a7b")


def policy_for(municipality_code: str, policies: dict[str, Policy]) -> Policy:
    if municipality_code not in policies:
        raise PermanentError(f"municipality_code: no policy for {municipality_code}")
    return policies[municipality_code]


def fold(existing: Signal | None, event: ArrearsReported) -> Signal:
    """The signal with this report folded in (ADR 0003: the same whatever order reports come in)."""
    fields = {"amount": event.amount, "crisis": event.crisis, "arrears_since": event.arrears_since}
    if existing is None:
        folded = Signal.first_report(signal_id=event.signal_id, partner_id=event.partner_id, report_id=event.report_id,
                                     category=event.category, status=event.status, signal_date=event.signal_date,
                                     **fields)
    else:
        folded = existing.merge(event.status, event.signal_date, **fields)
    # Like the crisis flag, a warm hand-over sticks; the person pseudonym is the one first known.
    return replace(folded, person_key=folded.person_key or event.person_key,
                   warm_handover=folded.warm_handover or event.warm_handover)


async def handle_arrears_reported(repo: HouseholdRepository, envelope: Envelope[ArrearsReported],
                                  policies: dict[str, Policy]) -> list[str]:
    """Fold the report into its household, decide, announce what is new. Returns the outcomes."""
    policy = policy_for(envelope.municipality_code, policies)
    event = envelope.payload
    household = await repo.lock(envelope.household_key, create_in=envelope.municipality_code)
    assert household is not None
    household.signals[event.signal_id] = fold(household.signals.get(event.signal_id), event)
    if event.status is ReportStatus.OPEN or event.signal_id not in household.contacts:
        household.contacts[event.signal_id] = event.contact
    await repo.save_signal(household.household_key, envelope.municipality_code, household.signals[event.signal_id],
                           household.contacts[event.signal_id])

    def nothing_new(assessment: Assessment) -> str:
        status, reason = assessment.statuses[event.signal_id].value, assessment.reasons[event.signal_id]
        return f"nothing new to announce: the {event.status.value} report leaves the signal {status} ({reason})"

    trigger = {"signal_id": str(event.signal_id), "report_status": event.status.value}
    outcomes = await _decide(repo, envelope, household, policy, trigger, nothing_new)
    log.info("signal_assessed", event_id=str(envelope.event_id), outcomes=outcomes)
    return outcomes


async def handle_case_closed(repo: HouseholdRepository, envelope: Envelope[CaseClosed],
                             policies: dict[str, Policy]) -> list[str]:
    """Remember the close date of an outreach case: it ends the case and starts repeat suppression."""
    event = envelope.payload
    household = await repo.lock(envelope.household_key)
    if household is None:
        return ["UnknownHousehold"]  # erased or past retention: there is nothing left to close
    policy = policy_for(household.municipality_code, policies)
    closed_on = await repo.save_closure(household.household_key, event.case_id,
                                        event.closed_at.astimezone(AMSTERDAM).date())
    household.closed[event.case_id] = closed_on
    trigger = {"case_closed": str(event.case_id), "closed_on": closed_on.isoformat()}
    outcomes = await _decide(repo, envelope, household, policy, trigger,
                             lambda _: f"nothing new to announce: case {event.case_id} closed by outreach on {closed_on}")
    log.info("case_closed_noted", event_id=str(envelope.event_id), outcomes=outcomes)
    return outcomes


async def _decide(repo: HouseholdRepository, envelope: Envelope[Any], household: Household,
                  policy: Policy, trigger: dict[str, str], nothing_new: Callable[[Assessment], str]) -> list[str]:
    """Decide on the household as it now is; publish and log every decision, or log that there was none."""
    assessment, decisions, announced = decide(household.household_key, household.signals, policy,
                                              household.announced, household.closed)
    await repo.save_announced(household.household_key, announced)
    inputs = _inputs(household, policy, assessment, trigger)
    outcomes: list[str] = []
    for number, decision in enumerate(decisions):
        # Derived from the cause, so a transaction retried after a failure writes the same ids.
        decision_id = uuid.uuid5(_DECISIONS, f"{envelope.event_id}/{number}")
        out = outgoing(decision, decision_id, household.signals, household.contacts, policy)
        message = envelope.caused(out.payload, producer=SERVICE)
        await repo.add_outgoing(OutboxMessage.of(message))
        await repo.record_decision(decision_id=decision_id, household_key=household.household_key,
                                   cause_event_id=envelope.event_id, outcome=out.payload.event_type, rule=out.rule,
                                   inputs=inputs, episode_id=out.episode_id, signal_id=out.signal_id,
                                   event_id=message.event_id)
        outcomes.append(out.payload.event_type)
    if not decisions:
        await repo.record_decision(decision_id=uuid.uuid5(_DECISIONS, f"{envelope.event_id}/nothing"),
                                   household_key=household.household_key, cause_event_id=envelope.event_id,
                                   outcome="NothingToDo", rule=nothing_new(assessment), inputs=inputs)
        outcomes.append("NothingToDo")
    return outcomes


def _inputs(household: Household, policy: Policy, assessment: Assessment, trigger: dict[str, str]) -> dict[str, Any]:
    """What a decision was taken on, stored with it for the team and auditors (pseudonymous)."""
    return {
        "trigger": trigger,
        "policy": policy.summary(),
        "signals": signal_inputs(household.signals),
        "closed_cases": {str(case): day.isoformat() for case, day in sorted(household.closed.items())},
        "assessment": {str(s): {"status": status.value, "reason": assessment.reasons[s]}
                       for s, status in assessment.statuses.items()},
        "episodes": [{"opened_on": e.opened_on.isoformat(), "intensity": e.intensity.value, "action": e.action.value,
                      "rule": e.rule, "signal_ids": [str(s) for s in e.signal_ids],
                      "closed_on": e.closed_on.isoformat() if e.closed_on else None} for e in assessment.episodes],
    }


Handle = Callable[[HouseholdRepository, Envelope[Any], dict[str, Policy]], Awaitable[list[str]]]


async def handle_many(conn: asyncpg.Connection, envelopes: Sequence[Envelope[Any]], handle: Handle,
                      policies: dict[str, Policy], *, create_households: bool,
                      within: Callable[[int], AbstractContextManager[object]] = lambda _: nullcontext()
                      ) -> list[list[str]]:
    """Handle a batch of events in the caller's transaction, with a few statements for the whole
    batch (`BatchedHouseholdRepository`), in order: each event sees what the ones before it did.
    `within(i)` wraps the handling of event i (a trace span, say).

    Raises `NotLoaded` if an event needs a household that was not loaded: roll back and handle the
    events one by one.
    """
    repo = BatchedHouseholdRepository(conn)
    await repo.load([e.household_key for e in envelopes],
                    create_in={e.household_key: e.municipality_code for e in envelopes} if create_households else None)
    outcomes = []
    for index, envelope in enumerate(envelopes):
        with within(index):
            outcomes.append(await handle(repo, envelope, policies))
    await repo.flush()
    return outcomes


async def erase_household(conn: asyncpg.Connection, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete every row about the household and say so, with counts only (AVG art. 17 and 21)."""
    repo = HouseholdRepository(conn)
    await repo.lock(envelope.household_key)  # waits for a decision in flight on this household
    deleted = await repo.erase(envelope.household_key)
    completed = ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted)
    await outbox.add(conn, envelope.caused(completed, producer=SERVICE))
    return deleted


async def forget_expired_households(pool: asyncpg.Pool, policies: dict[str, Policy], *, retention: Period,
                                    now: datetime, batch_size: int = 200) -> dict[str, int]:
    """The retention rule: delete households with no open signal whose last event is older than
    `retention`. Each household goes in its own transaction; returns the rows deleted per table."""
    totals: dict[str, int] = {}
    cutoff, after = retention.before(now), None
    while True:
        async with pool.acquire() as conn:
            candidates = await HouseholdRepository(conn).idle_since(cutoff, batch_size, after)
        if not candidates:
            return totals
        after = candidates[-1]
        for _, household_key in candidates:
            async with pool.acquire() as conn, conn.transaction():
                repo = HouseholdRepository(conn)
                household = await repo.lock(household_key, skip_locked=True)
                policy = policies.get(household.municipality_code) if household else None
                if household is None or policy is None or not may_forget(
                        household.signals.values(), policy, last_event_at=household.last_event_at, now=now,
                        retention=retention):
                    continue
                for table, count in (await repo.erase(household_key)).items():
                    totals[table] = totals.get(table, 0) + count
