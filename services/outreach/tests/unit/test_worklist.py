"""The worklist: what is due on a day, by DDAS day part, the most urgent first."""

import uuid
from datetime import UTC, date, datetime, time

from outreach.domain.calendar import AMSTERDAM
from outreach.domain.worklist import WorkEntry, arrange

TODAY = date(2025, 3, 12)


def entry(day: date, hour: int, minute: int = 0, *, intensity: str = "multiple", activity: str = "Telefoon") -> WorkEntry:
    return WorkEntry(uuid.uuid4(), activity, datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM),
                     announced=True, intensity=intensity)


def test_work_is_grouped_by_the_day_part_it_is_due_in():
    morning, afternoon, evening = entry(TODAY, 9), entry(TODAY, 13, 30), entry(TODAY, 18)
    worklist = arrange([evening, afternoon, morning], TODAY)
    assert {part: [i.entry for i in items] for part, items in worklist.parts.items()} == {
        "Ochtend": [morning], "Middag": [afternoon], "Avond": [evening]}


def test_every_day_part_is_there_even_when_empty():
    assert list(arrange([], TODAY).parts) == ["Ochtend", "Middag", "Avond"]


def test_work_due_later_is_not_on_todays_list_and_work_left_over_is_marked_overdue():
    yesterday, tomorrow = entry(date(2025, 3, 11), 9), entry(date(2025, 3, 13), 9)
    worklist = arrange([yesterday, tomorrow], TODAY)
    items = worklist.parts["Ochtend"]
    assert [i.entry for i in items] == [yesterday]
    assert items[0].overdue


def test_crises_come_first_then_overdue_work_then_by_time():
    early = entry(TODAY, 9)
    crisis = entry(TODAY, 11, intensity="crisis")
    overdue = entry(date(2025, 3, 10), 10)
    worklist = arrange([early, crisis, overdue], TODAY)
    assert [i.entry for i in worklist.parts["Ochtend"]] == [crisis, overdue, early]


def test_the_day_is_the_day_in_amsterdam():
    # 23:30 UTC on the 11th is 00:30 on the 12th in Amsterdam: today's morning, not yesterday's evening.
    late = WorkEntry(uuid.uuid4(), "Huisbezoek", datetime(2025, 3, 11, 23, 30, tzinfo=UTC), False, "single")
    worklist = arrange([late], TODAY)
    assert [i.entry for i in worklist.parts["Ochtend"]] == [late]
    assert not worklist.parts["Ochtend"][0].overdue
    assert worklist.case_ids() == [late.case_id]
