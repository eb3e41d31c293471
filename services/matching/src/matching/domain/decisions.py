"""Turn an assessment into decisions to announce: the difference from what was announced before.

Announced state is kept per household, so a redelivered or re-ordered signal never opens a second
case for the same episode, nor repeats a "not picked up". Only signals the world has not yet heard
of as picked up can escalate a case.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from vroeg_contracts.events import Intensity

from .model import Assessment, CaseClosure, Episode, Signal, SignalStatus, assess, more_intense, sort_key
from .policy import Policy

_NAMESPACE = uuid.UUID("5d7a9c1e-2b4f-4e8a-9c3d-1f6e7a8b9c0d")
NOT_PICKED_UP = (SignalStatus.BELOW_THRESHOLD, SignalStatus.REPEAT, SignalStatus.OTHER_REASON)


@dataclass(frozen=True)
class CaseNeeded:
    episode_id: uuid.UUID
    episode: Episode
    signal_ids: list[uuid.UUID]  # the signals the case rests on
    on: date


@dataclass(frozen=True)
class CaseEscalated:
    episode_id: uuid.UUID
    episode: Episode
    signal_ids: list[uuid.UUID]
    on: date
    rule: str


@dataclass(frozen=True)
class SignalsJoined:
    """Picked-up signals joined an open case and brought it nothing new: outreach must still hear
    of them, for the case's signals, the DDAS delivery and the partners' feedback."""

    episode_id: uuid.UUID
    episode: Episode
    signal_ids: list[uuid.UUID]  # only the signals that joined
    on: date
    rule: str


@dataclass(frozen=True)
class NotPickedUp:
    signal_id: uuid.UUID
    status: SignalStatus
    reason: str


Decision = CaseNeeded | CaseEscalated | SignalsJoined | NotPickedUp


def episode_id_of(household_key: str, first_signal: uuid.UUID, *, follow_up: bool = False) -> uuid.UUID:
    # Derived, not random: the same episode gets the same case id on every replay.
    return uuid.uuid5(_NAMESPACE, f"{household_key}/{'follow-up/' if follow_up else ''}{first_signal}")


def empty_announced() -> dict[str, Any]:
    return {"episodes": {}, "not_picked_up": {}}


def closures_of(announced: Mapping[str, Any], closed: Mapping[uuid.UUID, date]) -> list[CaseClosure]:
    """Outreach's closures (by case id) as the assessment takes them: by the signals of each case."""
    episodes = announced.get("episodes", {})
    return [CaseClosure(frozenset(uuid.UUID(s) for s in episodes[str(episode_id)]["signal_ids"]), closed_on)
            for episode_id, closed_on in sorted(closed.items()) if str(episode_id) in episodes]


def decide(household_key: str, signals: Mapping[uuid.UUID, Signal], policy: Policy, announced: Mapping[str, Any],
           closed: Mapping[uuid.UUID, date]) -> tuple[Assessment, list[Decision], dict[str, Any]]:
    """Assess a household and say what is new since the last announcement: the one domain call
    a handler makes, whatever input (a report, a closed case) changed the household."""
    assessment = assess(signals, policy, closures_of(announced, closed))
    decisions, announced_now = announce(household_key, assessment, announced, closed.keys())
    return assessment, decisions, announced_now


def announce(household_key: str, assessment: Assessment, announced: Mapping[str, Any],
             closed_cases: Collection[uuid.UUID] = ()) -> tuple[list[Decision], dict[str, Any]]:
    """Decisions not yet announced, and the announced state after announcing them.

    `closed_cases` are the cases outreach closed: they are never escalated. A signal that would
    escalate one (it is dated before the close but arrived after it) starts a follow-up case.
    Signals that join an open case without growing it are announced too (`SignalsJoined`), so that
    every picked-up signal reaches outreach in some decision (ADR 0014).
    """
    episodes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in announced.get("episodes", {}).items()}
    not_picked_up: dict[str, str] = dict(announced.get("not_picked_up", {}))
    in_cases = {s for e in episodes.values() for s in e["signal_ids"]}
    closed = {str(c) for c in closed_cases}
    decisions: list[Decision] = []

    for episode in assessment.episodes:
        members = [str(s) for s in assessment.picked_up(episode)]
        fresh = [s for s in members if s not in in_cases]
        if not fresh:
            continue
        in_cases.update(fresh)
        # Matched on every member: a late, earlier-dated report can turn an announced signal into a repeat.
        everyone = {str(s) for s in episode.signal_ids}
        known = sorted((e.get("seq", 0), eid) for eid, e in episodes.items() if everyone & set(e["signal_ids"]))
        case_id = known[0][1] if known else None
        growth = _growth(assessment, episode, fresh, episodes[case_id]) if case_id else None
        follow_up = case_id in closed and growth is not None
        if case_id is None or follow_up:
            first = uuid.UUID(fresh[0]) if follow_up else episode.key
            episode_id = episode_id_of(household_key, first, follow_up=follow_up)
            decisions.append(CaseNeeded(episode_id, episode, [uuid.UUID(s) for s in members], episode.opened_on))
            episodes[str(episode_id)] = _announced_case(assessment, episode, fresh, len(episodes))
            continue
        before = episodes[case_id]
        if growth is not None:
            on = max(assessment.signals[uuid.UUID(s)].signal_date for s in fresh)
            decisions.append(CaseEscalated(uuid.UUID(case_id), episode, [uuid.UUID(s) for s in members], on,
                                           f"escalated by {growth}: {episode.rule}"))
        elif case_id not in closed:
            on = max(assessment.signals[uuid.UUID(s)].signal_date for s in fresh)
            decisions.append(SignalsJoined(uuid.UUID(case_id), episode, [uuid.UUID(s) for s in sorted(fresh)], on,
                                           f"joined the open case, bringing nothing new: {episode.rule}"))
        added = _announced_case(assessment, episode, fresh, before.get("seq", 0))
        episodes[case_id] = {**added, "signal_ids": sorted(set(before["signal_ids"]) | set(fresh)),
                             "categories": sorted(set(before["categories"]) | set(added["categories"])),
                             "crisis": before.get("crisis", False) or added["crisis"],
                             "intensity": more_intense(Intensity(before["intensity"]), episode.intensity).value}

    for signal in sorted(assessment.signals.values(), key=sort_key):
        status, key = assessment.statuses.get(signal.signal_id), str(signal.signal_id)
        # A signal announced as part of a case was picked up: a later re-ordering does not take that back.
        if status in NOT_PICKED_UP and key not in not_picked_up and key not in in_cases:
            decisions.append(NotPickedUp(signal.signal_id, status, assessment.reasons[signal.signal_id]))
            not_picked_up[key] = status.value
    return decisions, {"episodes": episodes, "not_picked_up": not_picked_up}


def _announced_case(assessment: Assessment, episode: Episode, signal_ids: list[str], seq: int) -> dict[str, Any]:
    signals = [assessment.signals[uuid.UUID(s)] for s in signal_ids]
    return {"seq": seq, "signal_ids": sorted(signal_ids), "intensity": episode.intensity.value,
            "categories": sorted({s.category.value for s in signals}), "crisis": any(s.crisis for s in signals)}


def _growth(assessment: Assessment, episode: Episode, fresh: list[str], before: Mapping[str, Any]) -> str | None:
    """What the fresh signals bring a case that it did not have (a crisis, a category, a higher
    intensity), in words; None when they bring nothing new."""
    signals = [assessment.signals[uuid.UUID(s)] for s in fresh]
    if any(s.crisis for s in signals) and not before.get("crisis", False):
        return "a crisis signal"
    new = sorted({s.category.value for s in signals} - set(before["categories"]))
    if new:
        return f"new category {', '.join(new)}"
    if more_intense(episode.intensity, Intensity(before["intensity"])) is not Intensity(before["intensity"]):
        return f"a higher intensity ({episode.intensity.value})"
    return None
