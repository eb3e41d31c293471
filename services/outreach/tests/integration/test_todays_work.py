"""Today's work in the real database: the buckets, crises first, each filter, "mine", another
municipality, and taking a case so that a colleague cannot. Each test's cases get a postcode area
of their own (one no real postcode has), so other tests' cases in the same database stay out."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from outreach.adapters.audit import Reader
from outreach.adapters.repository import CaseRepository
from outreach.domain.errors import CaseNotFound, CaseTakenByOther
from outreach.domain.todays_work import WorkFilter
from outreach.handlers.assignment import take_case
from outreach.handlers.todays_work import todays_work
from vroeg_contracts.events import Intensity, OutreachAction
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_runtime.unit_of_work import pooled_unit_of_work

ANNA = Reader("anna", "caseworker", ("0437",))
BRAM = Reader("bram", "caseworker", ("0437",))


@pytest.fixture
async def area(outreach_pool, new_case):
    """Four cases in a postcode area nobody else uses: a crisis and three multiples (one with
    water arrears, one without a phone: a visit), their first letters sent and contact due now."""
    # No real postcode starts with 0 (nor does any test resident's): an area no other case is in.
    code = f"0{random.randint(0, 999):03d}"
    made = {
        "crisis": await new_case(intensity=Intensity.CRISIS, action=OutreachAction.URGENT, categories=(Category.RENT,)),
        "rent": await new_case(categories=(Category.RENT, Category.ENERGY)),
        "water": await new_case(categories=(Category.RENT, Category.WATER)),
        "visit": await new_case(phone=False),
    }
    cases = {name: envelope.payload.episode_id for name, envelope in made.items()}
    await outreach_pool.execute(
        """UPDATE cases SET contact = jsonb_set(contact, '{postcode}', to_jsonb($2::text)) WHERE case_id = ANY($1)""",
        list(cases.values()), f"{code} ZZ")
    await outreach_pool.execute("UPDATE case_signals SET amount = 900 WHERE case_id = $1", cases["water"])
    async with outreach_pool.acquire() as conn:
        await CaseRepository(conn).summarise_arrears([cases["water"]])
    # The calls and visits fall due (the letters planned them with a delay of 0).
    await outreach_pool.execute("UPDATE schedule SET due_at = now() - interval '1 minute' WHERE case_id = ANY($1)"
                                " AND done_at IS NULL AND cancelled_at IS NULL", list(cases.values()))
    return code, cases


async def work(pool, reader=ANNA, municipalities=("0437",), **filters):
    async with pooled_unit_of_work(pool) as uow:
        return await todays_work(uow, today_in_amsterdam(), WorkFilter(**filters), page=0, reader=reader,
                                 municipalities=municipalities)


def ids(found, bucket):
    return [row.case_id for row in found.rows[bucket]]


async def test_calls_and_visits_are_in_their_buckets_crises_first(outreach_pool, area):
    code, cases = area
    found = await work(outreach_pool, postcode_area=code)
    assert ids(found, "calls")[0] == cases["crisis"]
    assert set(ids(found, "calls")) == {cases["crisis"], cases["rent"], cases["water"]}
    assert ids(found, "visits") == [cases["visit"]]
    assert found.counts == {"calls": 3, "visits": 1, "letters": 0, "outcome": 0}
    crisis = found.rows["calls"][0]
    assert crisis.intensity == "crisis" and crisis.categories == ("rent",) and crisis.amount == Decimal("123.45")
    water = next(r for r in found.rows["calls"] if r.case_id == cases["water"])
    assert water.categories == ("rent", "water") and water.amount == Decimal("1800.00")


async def test_each_filter_narrows_the_list(outreach_pool, area):
    code, cases = area
    assert ids(await work(outreach_pool, postcode_area=code, category="water"), "calls") == [cases["water"]]
    assert ids(await work(outreach_pool, postcode_area=code, min_amount=Decimal(500)), "calls") == [cases["water"]]
    assert (await work(outreach_pool, postcode_area=code, min_days_in_arrears=61)).total == 0  # 60 days each
    assert (await work(outreach_pool, postcode_area=code, min_days_in_arrears=60)).total == 4
    assert (await work(outreach_pool, postcode_area=code, overdue_only=True)).total == 0
    # The call was due three days ago (planned, or announced on the worklist already).
    await outreach_pool.execute("UPDATE schedule SET due_at = due_at - interval '3 days' WHERE case_id = $1"
                                " AND done_at IS NULL", cases["rent"])
    await outreach_pool.execute("UPDATE work_items SET due_at = due_at - interval '3 days' WHERE case_id = $1",
                                cases["rent"])
    overdue = await work(outreach_pool, postcode_area=code, overdue_only=True)
    assert ids(overdue, "calls") == [cases["rent"]] and overdue.rows["calls"][0].overdue
    assert (await work(outreach_pool, postcode_area=f"0{(int(code) + 1) % 1000:03d}")).total == 0


async def test_another_municipality_sees_none_of_them(outreach_pool, area):
    code, _ = area
    assert (await work(outreach_pool, municipalities=("0363",), postcode_area=code)).total == 0


async def test_a_taken_case_is_mine_and_a_colleague_cannot_take_it(outreach_pool, area):
    code, cases = area
    now = datetime.now(UTC)
    async with pooled_unit_of_work(outreach_pool) as uow:
        await take_case(uow, cases["water"], reader=ANNA, now=now)
    with pytest.raises(CaseTakenByOther) as taken:
        async with pooled_unit_of_work(outreach_pool) as uow:
            await take_case(uow, cases["water"], reader=BRAM, now=now + timedelta(seconds=1))
    assert taken.value.holder == "anna"
    mine = await work(outreach_pool, postcode_area=code, mine_only=True)
    assert ids(mine, "calls") == [cases["water"]] and mine.rows["calls"][0].assigned_to == "anna"
    assert (await work(outreach_pool, reader=BRAM, postcode_area=code, mine_only=True)).total == 0
    with pytest.raises(CaseNotFound):  # not in her municipality
        async with pooled_unit_of_work(outreach_pool) as uow:
            await take_case(uow, cases["rent"], reader=Reader("eva", "caseworker", ("0363",)), now=now)


async def test_a_case_with_nothing_planned_waits_for_an_outcome(outreach_pool, area):
    code, cases = area
    await outreach_pool.execute("UPDATE schedule SET cancelled_at = now() WHERE case_id = $1 AND done_at IS NULL",
                                cases["rent"])
    await outreach_pool.execute("UPDATE work_items SET closed_at = now() WHERE case_id = $1", cases["rent"])
    found = await work(outreach_pool, postcode_area=code)
    assert ids(found, "outcome") == [cases["rent"]] and cases["rent"] not in ids(found, "calls")
    assert found.rows["outcome"][0].due_at is None
