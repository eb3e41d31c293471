"""In which order a batch of matching's decisions may be taken.

Matching decides per household, and Kafka keeps a household's decisions in order (the household key
is the record key). Decisions of different households touch different cases, signals and reports,
so they may be taken in any order among themselves; those of one household may not. A batch is
therefore taken in waves: wave n holds every household's n-th decision of the batch, so each wave
has at most one decision per household and can be taken as a few multi-row statements per kind of
decision, instead of breaking into short runs wherever two kinds alternate (issue 23: a fifth of
the decisions are signals not picked up, between the cases to open).
"""

from __future__ import annotations

from collections.abc import Sequence


def decision_waves(households: Sequence[str]) -> list[list[int]]:
    """The positions 0..len-1 of a batch's decisions, given each one's household, grouped in waves
    (each wave in batch order): a household's n-th decision in the batch is in wave n."""
    seen: dict[str, int] = {}
    waves: list[list[int]] = []
    for position, household in enumerate(households):
        wave = seen.get(household, 0)
        seen[household] = wave + 1
        if wave == len(waves):
            waves.append([])
        waves[wave].append(position)
    return waves
