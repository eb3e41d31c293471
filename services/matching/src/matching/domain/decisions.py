"""Turn an assessment into decisions to announce: the difference from what was announced before.

Announced state is kept per household, so a redelivered or re-ordered signal never opens a second
case for the same episode, nor repeats a "not picked up".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from vroeg_contracts.events import Intensity

from .model import Assessment, Episode, SignalStatus

_NAMESPACE = uuid.UUID("5d7a9c1e-2b4f-4e8a-9c3d-1f6e7a8b9c0d")
_RANK = {Intensity.SINGLE.value: 0, Intensity.MULTIPLE.value: 1, Intensity.CRISIS.value: 2}
NOT_PICKED_UP = (SignalStatus.BELOW_THRESHOLD, SignalStatus.REPEAT, SignalStatus.OTHER_REASON)


@dataclass(frozen=True)
class CaseNeeded:
    episode_id: uuid.UUID
    episode: Episode


@dataclass(frozen=True)
class CaseEscalated:
    episode_id: uuid.UUID
    episode: Episode


@dataclass(frozen=True)
class NotPickedUp:
    signal_id: uuid.UUID
    status: SignalStatus
    reason: str


Decision = CaseNeeded | CaseEscalated | NotPickedUp


def empty_announced() -> dict[str, Any]:
    return {"episodes": {}, "not_picked_up": {}}


def announce(household_key: str, assessment: Assessment, announced: dict[str, Any]) -> tuple[list[Decision], dict[str, Any]]:
    """Decisions not yet announced, and the announced state after announcing them."""
    episodes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in announced.get("episodes", {}).items()}
    not_picked_up: dict[str, str] = dict(announced.get("not_picked_up", {}))
    decisions: list[Decision] = []

    for episode in assessment.episodes:
        members = {str(s) for s in episode.signal_ids}
        known = next((eid for eid, e in episodes.items() if members & set(e["signal_ids"])), None)
        categories = sorted(c.value for c in episode.categories)
        if known is None:
            episode_id = uuid.uuid5(_NAMESPACE, f"{household_key}/{episode.key}")
            decisions.append(CaseNeeded(episode_id, episode))
            episodes[str(episode_id)] = {"signal_ids": sorted(members), "intensity": episode.intensity.value,
                                         "categories": categories}
            continue
        before = episodes[known]
        grew = (_RANK[episode.intensity.value] > _RANK[before["intensity"]]
                or not set(categories) <= set(before["categories"]))
        if grew:
            decisions.append(CaseEscalated(uuid.UUID(known), episode))
        episodes[known] = {"signal_ids": sorted(members | set(before["signal_ids"])),
                           "intensity": max(episode.intensity.value, before["intensity"], key=_RANK.__getitem__),
                           "categories": sorted(set(categories) | set(before["categories"]))}

    for signal_id, status in sorted(assessment.statuses.items(), key=lambda item: str(item[0])):
        if status in NOT_PICKED_UP and str(signal_id) not in not_picked_up:
            decisions.append(NotPickedUp(signal_id, status, assessment.reasons[signal_id]))
            not_picked_up[str(signal_id)] = status.value
    return decisions, {"episodes": episodes, "not_picked_up": not_picked_up}
