"""Opening cases for a batch of HouseholdAtRisk decisions at once (issue 23): the same cases, signals,
first letters, timeline and partner feedback as one decision at a time, each in its own trace."""

import json

from outreach.handlers.open_case import open_case, open_cases
from vroeg_runtime.telemetry import continued
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import at_risk


def traceparent(number: int) -> dict[str, str]:
    return {"traceparent": f"00-{number:032x}-{number:016x}-01"}


async def test_a_batch_opens_every_new_case_once_each_in_its_own_trace(outreach, outreach_pool, outreach_public_key):
    before = at_risk(outreach_public_key)
    async with pooled_unit_of_work(outreach_pool) as uow:
        assert await open_case(uow, before, outreach.deps)
    first, second = at_risk(outreach_public_key), at_risk(outreach_public_key, municipality_code="0362")
    batch = [before, first, second, first]  # one opened before, one twice in the batch
    traces = [traceparent(n) for n in (101, 102, 103, 104)]
    async with pooled_unit_of_work(outreach_pool) as uow:
        opened = await open_cases(uow, batch, outreach.deps, within=lambda i: continued(traces[i]))
    assert opened == [False, True, True, False]

    for envelope, trace in ((first, traces[1]), (second, traces[2])):
        decision = envelope.payload
        case = await outreach_pool.fetchrow("SELECT * FROM cases WHERE case_id = $1", decision.episode_id)
        assert (case["household_key"], case["municipality_code"], case["status"]) == (
            envelope.household_key, envelope.municipality_code, "open")
        assert json.loads(case["trace_context"]) == trace
        assert sorted(case["arrears_categories"]) == sorted(s.category.value for s in decision.signals)
        assert case["arrears_amount"] == sum(s.amount for s in decision.signals)
        assert case["arrears_since"] == min(s.arrears_since for s in decision.signals)
        signals = await outreach_pool.fetch("SELECT signal_id FROM case_signals WHERE case_id = $1", decision.episode_id)
        assert {r["signal_id"] for r in signals} == {s.signal_id for s in decision.signals}
        (letter,) = await outreach_pool.fetch(
            "SELECT step, cause_id, trace_context FROM schedule WHERE case_id = $1", decision.episode_id)
        assert (letter["step"], letter["cause_id"], json.loads(letter["trace_context"])) == (
            "first_letter", envelope.event_id, trace)
        (opened_entry,) = await outreach_pool.fetch(
            "SELECT detail FROM case_timeline WHERE case_id = $1 AND kind = 'opened'", decision.episode_id)
        assert json.loads(opened_entry["detail"])["signals"] == len(decision.signals)
        for signal in decision.signals:
            (feedback,) = await outreach_pool.fetch(
                "SELECT payload, headers FROM outbox WHERE key = $1 AND topic = $2",
                signal.report_id.encode(), f"partner.{signal.partner_id}.feedback.v1")
            assert json.loads(feedback["payload"])["outcome"] == "picked_up"
            assert json.loads(feedback["headers"])["traceparent"] == trace["traceparent"]
            assert await outreach_pool.fetchval(
                "SELECT count(*) FROM partner_feedback WHERE partner_id = $1 AND report_id = $2",
                signal.partner_id, signal.report_id) == 1


async def test_a_report_already_answered_gets_no_second_feedback(outreach, outreach_pool, outreach_public_key):
    earlier, later = at_risk(outreach_public_key), at_risk(outreach_public_key)
    # The later case names a report the earlier one was told about (a case closed, then reopened).
    shared = earlier.payload.signals[0]
    later.payload.signals[0] = later.payload.signals[0].model_copy(
        update={"partner_id": shared.partner_id, "report_id": shared.report_id})
    async with pooled_unit_of_work(outreach_pool) as uow:
        assert await open_cases(uow, [earlier, later], outreach.deps) == [True, True]
    rows = await outreach_pool.fetch("SELECT 1 FROM outbox WHERE key = $1 AND topic LIKE 'partner.%'",
                                     shared.report_id.encode())
    assert len(rows) == 1
    assert await outreach_pool.fetchval("SELECT count(*) FROM cases WHERE case_id = ANY($1::uuid[])",
                                        [earlier.payload.episode_id, later.payload.episode_id]) == 2


async def test_a_batch_that_opens_nothing_writes_nothing(outreach, outreach_pool, outreach_public_key):
    envelope = at_risk(outreach_public_key)
    async with pooled_unit_of_work(outreach_pool) as uow:
        assert await open_cases(uow, [envelope], outreach.deps) == [True]
    async with pooled_unit_of_work(outreach_pool) as uow:
        assert await open_cases(uow, [envelope, envelope], outreach.deps) == [False, False]
        assert uow.emitted == []
    assert await outreach_pool.fetchval("SELECT count(*) FROM case_timeline WHERE case_id = $1",
                                        envelope.payload.episode_id) == 1
