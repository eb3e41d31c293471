"""The events matching publishes (`HouseholdAtRisk`, `HouseholdRiskEscalated`, `SignalsJoinedCase`,
`CaseBasisChanged`, `SignalNotPickedUp`), built from the domain's decisions."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from vroeg_contracts.events import (
    CaseBasisChanged,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    OutreachAction,
    SignalNotPickedUp,
    SignalEnd,
    SignalRef,
    SignalsJoinedCase,
)
from vroeg_contracts.privacy import SealedContact

from .decisions import CaseEscalated, CaseNeeded, Decision, NotPickedUp, SignalsEnded, SignalsJoined
from .model import Signal, sort_key
from .policy import Policy


@dataclass(frozen=True)
class Outgoing:
    """An event to publish, and what the decision log keeps about it."""

    payload: HouseholdAtRisk | HouseholdRiskEscalated | SignalsJoinedCase | CaseBasisChanged | SignalNotPickedUp
    rule: str
    episode_id: uuid.UUID | None = None
    signal_id: uuid.UUID | None = None


def outgoing(decision: Decision, decision_id: uuid.UUID, signals: Mapping[uuid.UUID, Signal],
             contacts: Mapping[uuid.UUID, SealedContact], policy: Policy) -> Outgoing:
    if isinstance(decision, NotPickedUp):
        signal = signals[decision.signal_id]
        return Outgoing(SignalNotPickedUp(
            decision_id=decision_id, signal_id=signal.signal_id, partner_id=signal.partner_id,
            report_id=signal.report_id, category=signal.category, ddas_status=decision.status.value,  # type: ignore[arg-type]
            reason=decision.reason, signal_date=signal.signal_date, arrears_since=signal.arrears_since,
            amount=signal.amount, crisis=signal.crisis, warm_handover=signal.warm_handover,
            # Sealed as it came: outreach needs it for the DDAS client when the household has no case.
            contact=contacts.get(signal.signal_id)),
            decision.reason, signal_id=signal.signal_id)
    if isinstance(decision, SignalsJoined):
        # Only the signals that joined, and no contact: the case keeps its own, and nothing is sent.
        return Outgoing(SignalsJoinedCase(
            decision_id=decision_id, episode_id=decision.episode_id, rule=decision.rule,
            signals=_refs(decision.signal_ids, signals), matched_on=decision.on),
            decision.rule, episode_id=decision.episode_id)
    if isinstance(decision, SignalsEnded):
        # `decided_on` is the latest date among the reports that ended the signals, not the day
        # matching heard of them: like `matched_on`, it dates the decision by what partners reported.
        ended = [SignalEnd(signal_id=e.signal_id, partner_id=signals[e.signal_id].partner_id,
                           report_id=signals[e.signal_id].report_id, ended=e.ending.value, on=e.on)
                 for e in decision.ended]
        return Outgoing(CaseBasisChanged(
            decision_id=decision_id, episode_id=decision.episode_id, ended=ended, remaining=decision.remaining,
            closes_with=decision.closes_with.value if decision.closes_with else None,  # type: ignore[arg-type]
            decided_on=decision.on),
            decision.rule, episode_id=decision.episode_id)
    episode = decision.episode
    common = {"decision_id": decision_id, "episode_id": decision.episode_id, "intensity": episode.intensity,
              "action": OutreachAction(episode.action.value), "signals": _refs(decision.signal_ids, signals),
              "matched_on": decision.on, "contact": _newest_contact(decision.signal_ids, signals, contacts)}
    if isinstance(decision, CaseNeeded):
        # DDAS's matching period: from the case's earliest signal for one window. Every signal of
        # the case counts on the matching date, so that date always falls inside the period.
        window_start = min(signals[i].signal_date for i in decision.signal_ids)
        payload: HouseholdAtRisk | HouseholdRiskEscalated = HouseholdAtRisk(
            **common, rule=episode.rule, window_start=window_start, window_end=policy.window.after(window_start))
        return Outgoing(payload, episode.rule, episode_id=decision.episode_id)
    assert isinstance(decision, CaseEscalated)
    return Outgoing(HouseholdRiskEscalated(**common, rule=decision.rule), decision.rule, episode_id=decision.episode_id)


def _refs(signal_ids: list[uuid.UUID], signals: Mapping[uuid.UUID, Signal]) -> list[SignalRef]:
    return [SignalRef(signal_id=s.signal_id, partner_id=s.partner_id, report_id=s.report_id, category=s.category,
                      signal_date=s.signal_date, arrears_since=s.arrears_since, amount=s.amount, crisis=s.crisis,
                      warm_handover=s.warm_handover, person_key=s.person_key)
            for s in sorted((signals[i] for i in signal_ids), key=sort_key)]


def _newest_contact(signal_ids: list[uuid.UUID], signals: Mapping[uuid.UUID, Signal],
                    contacts: Mapping[uuid.UUID, SealedContact]) -> SealedContact:
    # The newest report holds the most recent phone number and address of the household.
    newest = max(signal_ids, key=lambda i: sort_key(signals[i]))
    return contacts[newest]
