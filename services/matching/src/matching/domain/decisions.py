"""Turn an assessment into decisions to announce: the difference from what was announced before.

Announced state is kept per household, so a redelivered or re-ordered signal never opens a second
case for the same episode, nor repeats a "not picked up". Only signals the world has not yet heard
of as picked up can escalate a case. A household has at most one open case: what would open a
second joins the first, and a case whose signals were all withdrawn or resolved ends (ADR 0015).

The announced state, stored as JSON per household (keys added later are optional, so older states load):
- `episodes`: case id -> `seq` (the order cases were announced in), `signal_ids` (the picked-up
  signals announced for it, and those of `unannounced`: signals that joined it after outreach
  closed it and were never announced), `intensity`, `categories` and `crisis` as announced; `ended_signals`
  (signal id -> `ended` and `on`), the ends announced; once it rests on no open signal, `ended_on`
  (the date of the decision that ended it) and `closes_with` (its outcome).
- `not_picked_up`: signal id -> the DDAS status announced for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from vroeg_contracts.events import Intensity

from .model import (
    Assessment,
    CaseClosure,
    Ending,
    Episode,
    Signal,
    SignalStatus,
    assess,
    intensity_of,
    more_intense,
    rule_of,
    sort_key,
)
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


class CaseOutcome(StrEnum):
    """The DDAS outcome (`EnumEindresultaat`) of a case that rests on no open signal any more."""

    IN_ERROR = "Niet opgepakt: onterecht signaal"  # every signal it rested on was withdrawn
    SETTLED = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"  # at least one was resolved


@dataclass(frozen=True)
class EndedSignal:
    signal_id: uuid.UUID
    ending: Ending
    on: date  # the date of the report that ended it


@dataclass(frozen=True)
class SignalsEnded:
    """Signals an open case rests on were withdrawn or resolved since the last announcement. With
    none left open (`remaining` empty) the case rests on nothing: `closes_with` is the outcome
    outreach closes it with, and matching counts it as ended from then on (ADR 0015)."""

    episode_id: uuid.UUID
    ended: list[EndedSignal]  # only those that ended since the last announcement
    remaining: list[uuid.UUID]  # the case's signals still open (neither withdrawn nor resolved)
    closes_with: CaseOutcome | None
    on: date  # the latest date among the reports that ended them
    rule: str


@dataclass(frozen=True)
class NotPickedUp:
    signal_id: uuid.UUID
    status: SignalStatus
    reason: str


Decision = CaseNeeded | CaseEscalated | SignalsJoined | SignalsEnded | NotPickedUp


def episode_id_of(household_key: str, first_signal: uuid.UUID, *, follow_up: bool = False) -> uuid.UUID:
    # Derived, not random: the same episode gets the same case id on every replay.
    return uuid.uuid5(_NAMESPACE, f"{household_key}/{'follow-up/' if follow_up else ''}{first_signal}")


def empty_announced() -> dict[str, Any]:
    return {"episodes": {}, "not_picked_up": {}}


def closures_of(announced: Mapping[str, Any], closed: Mapping[uuid.UUID, date]) -> list[CaseClosure]:
    """Outreach's closures (by case id) as the assessment takes them: by the signals of each case.

    A case matching ended (ADR 0015) is left out, and so is outreach's `CaseClosed` for it (sent on
    receipt of the end): its episode already ended where its signals stopped counting (a withdrawn
    signal counts for nothing, a resolved one until its resolve), and a close day fed in later would
    change an assessment whose decisions were announced. `announce` takes the case as closed all
    the same."""
    episodes = announced.get("episodes", {})
    return [CaseClosure(frozenset(uuid.UUID(s) for s in episodes[str(episode_id)]["signal_ids"]), closed_on)
            for episode_id, closed_on in sorted(closed.items())
            if str(episode_id) in episodes and "ended_on" not in episodes[str(episode_id)]]


def ended_by_matching(announced: Mapping[str, Any], case_id: uuid.UUID) -> tuple[date, str] | None:
    """The day matching ended the case and the outcome it closes with; None if it did not end it."""
    case = announced.get("episodes", {}).get(str(case_id), {})
    return (date.fromisoformat(case["ended_on"]), case["closes_with"]) if "ended_on" in case else None


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

    `closed_cases` are the cases outreach closed: they are never escalated, and neither are the
    cases matching ended. A signal that would escalate one (it is dated before the close but arrived
    after it) starts a follow-up case, unless the household has an open case: then it joins that.
    Signals that join an open case without growing it are announced too (`SignalsJoined`), so that
    every picked-up signal reaches outreach in some decision (ADR 0014). Signals of an open case
    that were withdrawn or resolved are announced (`SignalsEnded`), and a case left with none open
    ends (ADR 0015).
    """
    announcer = _Announcer(household_key, assessment, announced, closed_cases)
    for episode in assessment.episodes:
        announcer.take_in(episode)
    announcer.end_signals()
    announcer.not_picked_up()
    return announcer.decisions, {"episodes": announcer.episodes, "not_picked_up": announcer.not_picked}


class _Announcer:
    """One announcement: the assessment compared with what was announced before, case by case."""

    def __init__(self, household_key: str, assessment: Assessment, announced: Mapping[str, Any],
                 closed_cases: Collection[uuid.UUID]) -> None:
        self.household_key = household_key
        self.assessment = assessment
        self.episodes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in announced.get("episodes", {}).items()}
        self.not_picked: dict[str, str] = dict(announced.get("not_picked_up", {}))
        self.in_cases = {s for e in self.episodes.values() for s in e["signal_ids"]}
        # Closed by outreach or ended by matching: both take no signals in any more.
        self.closed = {str(c) for c in closed_cases} | {k for k, e in self.episodes.items() if "ended_on" in e}
        self.decisions: list[Decision] = []

    def signals(self, signal_ids: Iterable[str]) -> list[Signal]:
        return sorted((self.assessment.signals[uuid.UUID(s)] for s in signal_ids), key=sort_key)

    def take_in(self, episode: Episode) -> None:
        """Announce the episode's picked-up signals the world has not heard of: in the open case they
        belong to, else in the household's open case, else in a new case."""
        members = [str(s) for s in self.assessment.picked_up(episode)]
        fresh = [s for s in members if s not in self.in_cases]
        if not fresh:
            return
        self.in_cases.update(fresh)
        # Matched on every member: a late, earlier-dated report can turn an announced signal into a repeat.
        everyone = {str(s) for s in episode.signal_ids}
        known = [case_id for _, case_id in sorted((e.get("seq", 0), case_id) for case_id, e in self.episodes.items()
                                                  if everyone & set(e["signal_ids"]))]
        open_known = [case_id for case_id in known if case_id not in self.closed]
        if open_known:
            self.grow(open_known[0], episode, members, fresh)
        elif (open_case := self.open_case()) is not None:
            # At most one open case per household: what would open a second joins the first (ADR 0015).
            self.join_open_case(open_case, fresh)
        elif not known:
            self.open(episode_id_of(self.household_key, episode.key), episode, members)
        elif "ended_on" in self.episodes[known[0]]:
            # Matching ended that case: every signal it rested on was withdrawn or resolved. An open
            # signal of its episode is reason for help of its own, and the new case rests on it alone.
            case = self.case_of(fresh)
            self.open(episode_id_of(self.household_key, uuid.UUID(fresh[0]), follow_up=True), case, fresh)
        elif _growth(self.signals(fresh), episode.intensity, self.episodes[known[0]]) is not None:
            self.open(episode_id_of(self.household_key, uuid.UUID(fresh[0]), follow_up=True), episode, members)
        else:
            # It joins a case outreach closed and brings nothing new: not announced (ADR 0014), and
            # noted as such, for outreach holds none of these in the case.
            self.merge(known[0], episode, fresh)
            case = self.episodes[known[0]]
            case["unannounced"] = sorted(set(case.get("unannounced", [])) | set(fresh))

    def open_case(self) -> str | None:
        """The household's open case (the latest, should a household from before ADR 0015 have two)."""
        open_cases = sorted((e.get("seq", 0), case_id) for case_id, e in self.episodes.items()
                            if case_id not in self.closed)
        return open_cases[-1][1] if open_cases else None

    def open(self, episode_id: uuid.UUID, episode: Episode, signal_ids: list[str]) -> None:
        """A new case, resting on `signal_ids`. A follow-up of a case outreach closed rests on that
        case's signals of its episode too: outreach holds them in the new case, so their ends are
        the new case's business."""
        self.decisions.append(CaseNeeded(episode_id, episode, [uuid.UUID(s) for s in signal_ids], episode.opened_on))
        self.episodes[str(episode_id)] = _announced_case(self.assessment, episode, signal_ids, len(self.episodes))

    def grow(self, case_id: str, episode: Episode, members: list[str], fresh: list[str]) -> None:
        """The fresh signals are of the open case's own episode: it escalates, or they join it."""
        growth = _growth(self.signals(fresh), episode.intensity, self.episodes[case_id])
        on = max(s.signal_date for s in self.signals(fresh))
        case = self.at_least_as_announced(episode, self.episodes[case_id])
        # The case's own signals and the fresh ones: an episode may hold signals of a case that
        # ended before (ADR 0015), and those are not this case's to carry.
        own = [s for s in members if s in fresh or s in self.episodes[case_id]["signal_ids"]]
        if growth is not None:
            self.decisions.append(CaseEscalated(uuid.UUID(case_id), case, [uuid.UUID(s) for s in own], on,
                                                f"escalated by {growth}: {case.rule}"))
        else:
            self.decisions.append(SignalsJoined(uuid.UUID(case_id), case, [uuid.UUID(s) for s in sorted(fresh)], on,
                                                f"joined the open case, bringing nothing new: {case.rule}"))
        self.merge(case_id, episode, fresh)

    def join_open_case(self, case_id: str, fresh: list[str]) -> None:
        """The fresh signals would open a case of their own (the case's signals left the window,
        or were withdrawn or resolved while others stay open): they join the household's open case
        instead, and escalate it where the policy says so, by what counts on the day they came."""
        policy, before = self.assessment.policy, self.episodes[case_id]
        joining = self.signals(fresh)
        day = max(s.signal_date for s in joining)
        counting = [s for s in self.signals(set(before["signal_ids"]) | set(fresh)) if s.open_on(day, policy)]
        counted = intensity_of(counting)
        joined = Episode(opened_on=min(s.signal_date for s in joining), signal_ids=[], intensity=counted,
                         action=policy.action_for(counted), rule=rule_of(counted, counting, policy))
        for signal in joining:
            joined.add(signal)
        joined = self.at_least_as_announced(joined, before)
        growth = _growth(joining, counted, before)
        ids = [s.signal_id for s in joining]
        if growth is not None:
            self.decisions.append(CaseEscalated(uuid.UUID(case_id), joined, ids, day, f"escalated by {growth},"
                                                f" joining the household's open case: {joined.rule}"))
        else:
            self.decisions.append(SignalsJoined(uuid.UUID(case_id), joined, ids, day, f"joined the household's"
                                                f" open case, bringing nothing new: {joined.rule}"))
        self.merge(case_id, joined, fresh)

    def at_least_as_announced(self, episode: Episode, before: Mapping[str, Any]) -> Episode:
        """The episode as its case stands: an open case can span episodes (ADR 0015), and what
        outreach acts on never drops below the intensity announced for the case."""
        kept = Intensity(before["intensity"])
        if more_intense(episode.intensity, kept) is episode.intensity:
            return episode
        action = self.assessment.policy.action_for(kept)
        return replace(episode, intensity=kept, action=action,
                       rule=f"{kept.value}: the case keeps its intensity -> {action.value}")

    def case_of(self, fresh: list[str]) -> Episode:
        """A case resting on these signals alone, as the policy rates them."""
        signals, policy = self.signals(fresh), self.assessment.policy
        intensity = intensity_of(signals)
        case = Episode(opened_on=signals[0].signal_date, signal_ids=[], intensity=intensity,
                       action=policy.action_for(intensity), rule=rule_of(intensity, signals, policy))
        for signal in signals:
            case.add(signal)
        return case

    def merge(self, case_id: str, episode: Episode, fresh: list[str]) -> None:
        before = self.episodes[case_id]
        added = _announced_case(self.assessment, episode, fresh, before.get("seq", 0))
        self.episodes[case_id] = {**before, **added, "signal_ids": sorted(set(before["signal_ids"]) | set(fresh)),
                                  "categories": sorted(set(before["categories"]) | set(added["categories"])),
                                  "crisis": before.get("crisis", False) or added["crisis"],
                                  "intensity": more_intense(Intensity(before["intensity"]), episode.intensity).value}

    def end_signals(self) -> None:
        """Announce the signals of each open case that were withdrawn or resolved since the last
        announcement; a case left with no open signal rests on nothing and ends. The window running
        out ends nothing: the arrears were not paid. Nor does a change of policy: it rates what
        comes next, and the help already offered stands."""
        for _, case_id in sorted((e.get("seq", 0), case_id) for case_id, e in self.episodes.items()):
            if case_id in self.closed:
                continue
            case = self.episodes[case_id]
            told = dict(case.get("ended_signals", {}))
            signals = self.signals(case["signal_ids"])
            ended = [s for s in signals if s.ending is not None
                     and told.get(str(s.signal_id), {}).get("ended") != s.ending.value]
            if not ended:
                continue
            for signal in ended:
                told[str(signal.signal_id)] = {"ended": signal.ending.value, "on": signal.ended_on.isoformat()}
            remaining = [s.signal_id for s in signals if s.ending is None]
            closes_with = None
            if not remaining:
                closes_with = (CaseOutcome.IN_ERROR if all(s.ending is Ending.WITHDRAWN for s in signals)
                               else CaseOutcome.SETTLED)
            ends = [EndedSignal(s.signal_id, s.ending, s.ended_on) for s in ended]
            on = max(e.on for e in ends)
            if closes_with is not None:
                case = {**case, "ended_on": on.isoformat(), "closes_with": closes_with.value}
                self.closed.add(case_id)
            self.episodes[case_id] = {**case, "ended_signals": told}
            self.decisions.append(SignalsEnded(uuid.UUID(case_id), ends, remaining, closes_with, on,
                                               _ends_rule(ended, remaining, closes_with)))

    def not_picked_up(self) -> None:
        """Announce the signals that start nothing, once; and a withdrawal of one announced so,
        which makes it `Niet opgepakt: onterecht signaal`. A withdrawn signal outreach never heard
        of stays unannounced: it was never sent."""
        # Signals outreach holds in a case: their withdrawal is the case's business (`end_signals`).
        in_a_case = {s for e in self.episodes.values() for s in set(e["signal_ids"]) - set(e.get("unannounced", []))}
        for signal in sorted(self.assessment.signals.values(), key=sort_key):
            status, key = self.assessment.statuses.get(signal.signal_id), str(signal.signal_id)
            # A signal announced as part of a case was picked up: a later re-ordering does not take that back.
            if status in NOT_PICKED_UP and key not in self.not_picked and key not in self.in_cases:
                self.decisions.append(NotPickedUp(signal.signal_id, status, self.assessment.reasons[signal.signal_id]))
                self.not_picked[key] = status.value
            # Also when a re-assessment has since put it in a case outreach closed, unannounced (ADR 0014).
            elif (signal.withdrawn and key not in in_a_case
                  and self.not_picked.get(key, SignalStatus.BELOW_THRESHOLD) != SignalStatus.BELOW_THRESHOLD):
                self.decisions.append(NotPickedUp(signal.signal_id, SignalStatus.BELOW_THRESHOLD,
                                                  f"withdrawn by the partner after it was announced as"
                                                  f" '{self.not_picked[key]}': sent in error"))
                self.not_picked[key] = SignalStatus.BELOW_THRESHOLD.value


def _announced_case(assessment: Assessment, episode: Episode, signal_ids: list[str], seq: int) -> dict[str, Any]:
    signals = [assessment.signals[uuid.UUID(s)] for s in signal_ids]
    return {"seq": seq, "signal_ids": sorted(signal_ids), "intensity": episode.intensity.value,
            "categories": sorted({s.category.value for s in signals}), "crisis": any(s.crisis for s in signals)}


def _growth(signals: list[Signal], intensity: Intensity, before: Mapping[str, Any]) -> str | None:
    """What the signals bring a case that it did not have (a crisis, a category, a higher
    intensity), in words; None when they bring nothing new. Measured against what was announced of
    the case, which outreach holds, whatever became of the signals since."""
    if any(s.crisis for s in signals) and not before.get("crisis", False):
        return "a crisis signal"
    new = sorted({s.category.value for s in signals} - set(before["categories"]))
    if new:
        return f"new category {', '.join(new)}"
    if more_intense(intensity, Intensity(before["intensity"])) is not Intensity(before["intensity"]):
        return f"a higher intensity ({intensity.value})"
    return None


def _ends_rule(ended: list[Signal], remaining: list[uuid.UUID], closes_with: CaseOutcome | None) -> str:
    said = "; ".join(f"{s.ending.value} by {s.partner_id} (report {s.report_id}) on {s.ended_on}" for s in ended)
    if closes_with is None:
        return f"signals of the case ended: {said}; {len(remaining)} of its signals still open, the case goes on"
    return f"signals of the case ended: {said}; it rests on no open signal and closes with '{closes_with.value}'"
