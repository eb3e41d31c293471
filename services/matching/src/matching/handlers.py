"""Matching's use case: fold a reported signal into its household, assess, announce what is new."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import (
    ArrearsReported,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    OutreachAction,
    SignalNotPickedUp,
    SignalRef,
)
from vroeg_contracts.partner_report import ReportStatus
from vroeg_contracts.privacy import SealedContact
from vroeg_runtime import outbox
from vroeg_runtime.consuming import PermanentError

from .adapters.repository import HouseholdRepository, signal_inputs
from .domain.decisions import CaseEscalated, CaseNeeded, NotPickedUp, announce
from .domain.model import Episode, Signal, assess
from .domain.policy import Policy

SERVICE = "matching"


def fold(existing: Signal | None, event: ArrearsReported) -> Signal:
    if existing is None:
        existing = Signal(signal_id=event.signal_id, partner_id=event.partner_id, report_id=event.report_id,
                          category=event.category, amount=event.amount, arrears_since=event.arrears_since,
                          signal_date=event.signal_date, crisis=event.crisis)
    return existing.merge(event.status, event.signal_date, amount=event.amount, crisis=event.crisis)


def _refs(episode: Episode, signals: dict[uuid.UUID, Signal]) -> list[SignalRef]:
    return [SignalRef(signal_id=s.signal_id, partner_id=s.partner_id, report_id=s.report_id, category=s.category,
                      signal_date=s.signal_date, arrears_since=s.arrears_since, amount=s.amount, crisis=s.crisis)
            for s in (signals[i] for i in episode.signal_ids)]


def _latest_contact(episode: Episode, signals: dict[uuid.UUID, Signal], contacts: dict[uuid.UUID, SealedContact]) -> SealedContact:
    # The newest report holds the most recent phone number and address of the household.
    newest = max(episode.signal_ids, key=lambda i: (signals[i].signal_date, signals[i].partner_id, signals[i].report_id))
    return contacts[newest]


async def handle_arrears_reported(conn: asyncpg.Connection, envelope: Envelope[ArrearsReported],
                                  policies: dict[str, Policy]) -> list[str]:
    """Returns the outcomes it recorded (for logs and tests). Call inside a transaction."""
    policy = policies.get(envelope.municipality_code)
    if policy is None:
        raise PermanentError(f"municipality_code: no policy for {envelope.municipality_code}")
    event = envelope.payload
    repo = HouseholdRepository(conn)
    household = envelope.household_key
    announced = await repo.lock(household, envelope.municipality_code)
    signals, contacts = await repo.signals(household)

    signal = fold(signals.get(event.signal_id), event)
    if event.status is ReportStatus.OPEN or event.signal_id not in contacts:
        contacts[event.signal_id] = event.contact
    signals[event.signal_id] = signal
    await repo.save_signal(household, envelope.municipality_code, signal, contacts[event.signal_id])

    assessment = assess(signals, policy)
    decisions, announced = announce(household, assessment, announced)
    await repo.save_announced(household, announced)

    inputs: dict[str, Any] = {"policy": policy.name, "signals": signal_inputs(signals),
                              "trigger": {"signal_id": str(event.signal_id), "status": event.status.value}}
    today = max(s.signal_date for s in signals.values())
    outcomes: list[str] = []
    for decision in decisions:
        decision_id = uuid.uuid4()
        payload: Any
        if isinstance(decision, CaseNeeded):
            episode = decision.episode
            window_start = min(signals[i].signal_date for i in episode.signal_ids)
            payload = HouseholdAtRisk(
                decision_id=decision_id, episode_id=decision.episode_id, intensity=episode.intensity,
                action=OutreachAction(episode.action.value), rule=episode.rule, signals=_refs(episode, signals),
                matched_on=episode.opened_on, window_start=window_start, window_end=window_start + policy.window,
                contact=_latest_contact(episode, signals, contacts))
            rule = episode.rule
        elif isinstance(decision, CaseEscalated):
            episode = decision.episode
            rule = episode.escalations[-1][2] if episode.escalations else episode.rule
            payload = HouseholdRiskEscalated(
                decision_id=decision_id, episode_id=decision.episode_id, intensity=episode.intensity,
                action=OutreachAction(episode.action.value), rule=rule, signals=_refs(episode, signals),
                matched_on=today, contact=_latest_contact(episode, signals, contacts))
        else:
            assert isinstance(decision, NotPickedUp)
            s = signals[decision.signal_id]
            rule = decision.reason
            payload = SignalNotPickedUp(decision_id=decision_id, signal_id=s.signal_id, partner_id=s.partner_id,
                                        report_id=s.report_id, category=s.category,
                                        ddas_status=decision.status.value, reason=decision.reason)  # type: ignore[arg-type]
        await outbox.add(conn, envelope.caused(payload, producer=SERVICE))
        await repo.record_decision(decision_id=decision_id, household_key=household, cause_event_id=envelope.event_id,
                                   outcome=payload.event_type, rule=rule, inputs=inputs)
        outcomes.append(payload.event_type)

    if not decisions:
        reason = assessment.reasons.get(event.signal_id, "no change")
        await repo.record_decision(decision_id=uuid.uuid4(), household_key=household, cause_event_id=envelope.event_id,
                                   outcome="NothingToDo", rule=reason, inputs=inputs)
        outcomes.append("NothingToDo")
    return outcomes
