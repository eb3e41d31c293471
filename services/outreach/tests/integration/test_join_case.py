"""Signals that join an open case without changing it (matching's SignalsJoinedCase): added to the
case and its DDAS delivery, told `picked_up`, with no second letter; a closed case is left alone."""

import uuid
from datetime import timedelta
from decimal import Decimal

from outreach.handlers.join_case import join_case
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import HouseholdAtRisk, Intensity, OutreachAction, SignalRef, SignalsJoinedCase
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import close_as_caseworker, outbox_events
from .test_ddas_export import case_entry, todays_delivery
from .test_feedback import feedback_rows

TODAY = today_in_amsterdam()


def joined(case: Envelope[HouseholdAtRisk], partner_id: str = "zilveren-kruis") -> Envelope[SignalsJoinedCase]:
    signal = SignalRef(signal_id=uuid.uuid4(), partner_id=partner_id, report_id=f"it-{uuid.uuid4().hex[:10]}",
                       category=Category.HEALTH_INSURANCE, signal_date=TODAY - timedelta(days=1),
                       arrears_since=TODAY - timedelta(days=45), amount=Decimal("88.10"), crisis=False)
    decision = SignalsJoinedCase(decision_id=uuid.uuid4(), episode_id=case.payload.episode_id, signals=[signal],
                                 rule="joined the open case, bringing nothing new: test", matched_on=TODAY)
    return Envelope.wrap(decision, producer="matching", municipality_code=case.municipality_code,
                         household_key=case.household_key, correlation_id=case.correlation_id)


async def case_signal_ids(pool, case_id: uuid.UUID) -> set[str]:
    return {str(r["signal_id"]) for r in await pool.fetch("SELECT signal_id FROM case_signals WHERE case_id = $1",
                                                          case_id)}


async def test_joined_signals_are_in_the_case_and_its_delivery_without_a_second_letter(outreach, api, new_case):
    case = await new_case(categories=(Category.HEALTH_INSURANCE,), action=OutreachAction.LETTER_ONLY,
                          intensity=Intensity.SINGLE)
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    plan = "SELECT task_id, step, due_at FROM schedule WHERE case_id = $1 ORDER BY task_id"
    planned = await pool.fetch(plan, case_id)
    envelope = joined(case)
    for _ in range(2):  # a redelivery changes nothing
        async with pooled_unit_of_work(pool) as uow:
            assert await join_case(uow, envelope)
    everyone = {str(s.signal_id) for s in case.payload.signals + envelope.payload.signals}
    assert await case_signal_ids(pool, case_id) == everyone
    timeline = [r["kind"] for r in await pool.fetch("SELECT kind FROM case_timeline WHERE case_id = $1", case_id)]
    assert timeline.count("signals_joined") == 2 and "escalated" not in timeline
    (_, message), = await feedback_rows(pool, envelope.payload.signals[0].report_id)
    assert message["outcome"] == "picked_up"

    assert len(await outbox_events(pool, "LetterSent", case_id=case_id)) == 1
    # No new letter, nothing planned or moved.
    assert await pool.fetch(plan, case_id) == planned

    (entry,) = case_entry(await todays_delivery(api), everyone)
    assert sorted(s["ID"] for s in entry["vroegsignalen"]) == sorted(everyone)


async def test_a_closed_case_is_not_joined(outreach, api, new_case):
    case = await new_case(send_letter=False)
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    await close_as_caseworker(api, case_id)
    envelope = joined(case)
    async with pooled_unit_of_work(pool) as uow:
        assert not await join_case(uow, envelope)
    assert await case_signal_ids(pool, case_id) == {str(s.signal_id) for s in case.payload.signals}
    assert await feedback_rows(pool, envelope.payload.signals[0].report_id) == []
