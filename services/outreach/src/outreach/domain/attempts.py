"""Contact attempts and the rule that closes a case by itself when the resident cannot be reached.

The design: "after 3 unreached attempts the case closes as Definitief geen contact kunnen krijgen".
An attempt counts as unreached only when it could have reached the resident: a call, a visit, a
mail or a text message that got no answer. A letter, a card left at the door and an administrative
step are one-way (the resident cannot be "not reached" by them), so they never count; otherwise
every case would close after its letters alone. Once the resident was reached, the case is about
help, not about contact, and the team records its outcome itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import InvalidInput

ONE_WAY_KINDS: frozenset[str] = frozenset({"Brief", "Kaartje", "Administratief"})
MAX_UNREACHED_ATTEMPTS = 3
# Which work item on the worklist an attempt of each kind settles.
WORK_KIND: dict[str, str] = {"Telefoon": "call", "Huisbezoek": "visit"}


@dataclass(frozen=True)
class Attempt:
    kind: str  # EnumContactsoort
    reached: bool


def unreached_attempts(attempts: Iterable[Attempt]) -> int:
    return sum(1 for a in attempts if not a.reached and a.kind not in ONE_WAY_KINDS)


def closes_without_contact(attempts: Iterable[Attempt], limit: int = MAX_UNREACHED_ATTEMPTS) -> bool:
    """True when the case must close as `Definitief geen contact kunnen krijgen`."""
    attempts = list(attempts)
    return not any(a.reached for a in attempts) and unreached_attempts(attempts) >= limit


def check_attempt_day(attempted_on: date, opened_on: date) -> None:
    """An attempt cannot precede its case (a typo in the date, most likely)."""
    if attempted_on < opened_on:
        raise InvalidInput("date", f"lies before the case was opened ({opened_on.isoformat()})")
