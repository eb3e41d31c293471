"""The team's worklist: the calls and visits of one day, by DDAS day part, the most urgent first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .calendar import AMSTERDAM, day_part
from .ddas_lists import DAY_PARTS


@dataclass(frozen=True)
class WorkEntry:
    """A call or visit for one case: announced (CallDue or VisitDue was sent) or still planned."""

    case_id: uuid.UUID
    activity: str  # the DDAS contact kind it asks for: Telefoon or Huisbezoek
    due_at: datetime
    announced: bool
    intensity: str
    unreached_attempts: int = 0


@dataclass(frozen=True)
class WorklistItem:
    entry: WorkEntry
    overdue: bool
    day_part: str


@dataclass
class Worklist:
    day: date
    parts: dict[str, list[WorklistItem]] = field(default_factory=lambda: {p: [] for p in DAY_PARTS})

    def case_ids(self) -> list[uuid.UUID]:
        return [item.entry.case_id for items in self.parts.values() for item in items]


def arrange(entries: Iterable[WorkEntry], day: date) -> Worklist:
    """What is due on `day` (and still open from before), by the day part it is due in.

    Work left over from earlier days stays on the list, marked overdue, in the day part it was due
    in. Within a part: crises first, then overdue work, then by time.
    """
    worklist = Worklist(day)
    for entry in entries:
        due_day = entry.due_at.astimezone(AMSTERDAM).date()
        if due_day > day:
            continue
        worklist.parts[day_part(entry.due_at)].append(WorklistItem(entry, due_day < day, day_part(entry.due_at)))
    for items in worklist.parts.values():
        items.sort(key=lambda i: (i.entry.intensity != "crisis", not i.overdue, i.entry.due_at, str(i.entry.case_id)))
    return worklist
