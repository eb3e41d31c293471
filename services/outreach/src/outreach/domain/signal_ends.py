"""Signals of a case that ended before the case did (matching's CaseBasisChanged): withdrawn by their
partner (sent in error) or resolved (the resident paid or made an arrangement). The case keeps them,
marked; a case whose every signal was withdrawn rested on nothing, and a letter it sent went out in
error (it stays a DDAS contact attempt: it happened)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Ended = Literal["withdrawn", "resolved"]
WITHDRAWN: Ended = "withdrawn"
RESOLVED: Ended = "resolved"


def all_withdrawn(ends: Iterable[str | None]) -> bool:
    """True when the case has signals and every one of them was withdrawn (`ends`: how each of the
    case's signals ended, None for one still open)."""
    ends = list(ends)
    return bool(ends) and all(end == WITHDRAWN for end in ends)
