"""The durable schedule on the real database: a failing step waits with backoff without holding up
the others, and a crisis escalation brings a planned call forward."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from outreach.handlers.escalate_case import escalate_case
from vroeg_contracts.events import HouseholdRiskEscalated, Intensity, OutreachAction
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import outbox_events, perform_until


async def test_a_step_that_fails_is_postponed_and_the_others_go_on(outreach, new_case):
    pool = outreach.runtime.db
    broken = (await new_case(send_letter=False)).payload.episode_id
    healthy = (await new_case(send_letter=False)).payload.episode_id
    # No letter template for this municipality: its letter cannot be written.
    await pool.execute("UPDATE cases SET municipality_code = '9999' WHERE case_id = $1", broken)
    await perform_until(outreach, lambda steps: "first_letter" in steps, healthy)
    failed = await pool.fetchrow("SELECT failures, last_error, due_at, done_at FROM schedule WHERE case_id = $1", broken)
    assert failed["failures"] >= 1 and failed["done_at"] is None
    assert failed["last_error"].startswith("KeyError") and failed["due_at"] > datetime.now(UTC)
    assert not await outbox_events(pool, "LetterSent", case_id=broken)
    # Repaired, and due again, it goes out once.
    await pool.execute("UPDATE cases SET municipality_code = '0437' WHERE case_id = $1", broken)
    await pool.execute("UPDATE schedule SET due_at = now() WHERE case_id = $1", broken)
    await perform_until(outreach, lambda steps: "first_letter" in steps, broken)
    assert len(await outbox_events(pool, "LetterSent", case_id=broken)) == 1


async def test_a_crisis_brings_the_planned_call_forward(outreach, new_case):
    pool = outreach.runtime.db
    case = await new_case(phone=True, send_letter=False)
    case_id = case.payload.episode_id
    weekly = replace(outreach.deps, rules=replace(outreach.deps.rules, call_delay=timedelta(days=7)))
    await perform_until(outreach, lambda steps: "first_letter" in steps, case_id, deps=weekly)
    due = await pool.fetchval("SELECT due_at FROM schedule WHERE case_id = $1 AND step = 'call'", case_id)
    assert due > datetime.now(UTC) + timedelta(days=4)  # a week out, on a working day
    crisis = HouseholdRiskEscalated(decision_id=uuid.uuid4(), episode_id=case_id, intensity=Intensity.CRISIS,
                                    action=OutreachAction.URGENT, rule="crisis", signals=case.payload.signals,
                                    matched_on=case.payload.matched_on, contact=case.payload.contact)
    async with pooled_unit_of_work(pool) as uow:
        await escalate_case(uow, case.caused(crisis, producer="matching"), outreach.deps)
    due = await pool.fetchval("SELECT due_at FROM schedule WHERE case_id = $1 AND step = 'call' AND done_at IS NULL",
                              case_id)
    assert due < datetime.now(UTC) + timedelta(minutes=1)  # the crisis delay (0 here), not a week
    await perform_until(outreach, lambda steps: "call" in steps, case_id)
    assert len(await outbox_events(pool, "CallDue", case_id=case_id)) == 1
    page = await pool.fetchval("SELECT intensity FROM cases WHERE case_id = $1", case_id)
    assert page == "crisis"
