"""A batch of matching's decisions taken in waves (issue 23): each household's decisions in their
order, the cases opened and the signals not picked up noted a wave at a time, each decision in its
own trace."""

import json
import uuid
from datetime import timedelta

from outreach.handlers.take_decisions import take_decisions
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalNotPickedUp
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import seal
from vroeg_runtime.telemetry import continued
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import at_risk, resident
from .test_open_cases import traceparent


def not_picked_up(public_key, household_key: str, *, status: str = "Niet opgepakt: onterecht signaal",
                  signal_id: uuid.UUID | None = None, report_id: str | None = None,
                  after: timedelta = timedelta()) -> Envelope[SignalNotPickedUp]:
    payload = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=signal_id or uuid.uuid4(), partner_id="vgz",
                                report_id=report_id or f"it-{uuid.uuid4().hex[:10]}", category=Category.HEALTH_INSURANCE,
                                ddas_status=status, reason="test", contact=seal(resident(3), public_key, "dev-1"))
    envelope = Envelope.wrap(payload, producer="matching", municipality_code="0437", household_key=household_key,
                             correlation_id=uuid.uuid4())
    return envelope.model_copy(update={"occurred_at": envelope.occurred_at + after})


async def feedback_of(pool, report_id: str) -> list[dict]:
    rows = await pool.fetch("SELECT payload, headers FROM outbox WHERE key = $1 AND topic LIKE 'partner.%'",
                            report_id.encode())
    return [{"outcome": json.loads(r["payload"])["outcome"],
             "traceparent": json.loads(r["headers"]).get("traceparent")} for r in rows]


async def test_a_mixed_batch_keeps_each_households_order(outreach, outreach_pool, outreach_public_key):
    opened = at_risk(outreach_public_key)
    household = opened.household_key
    # The repeat comes after its household's case in the batch: it shows on that case's timeline.
    repeat = not_picked_up(outreach_public_key, household)
    alone = f"hh-{uuid.uuid4().hex}"
    first = not_picked_up(outreach_public_key, alone)
    # The same signal announced again with a newer status: kept with that status, told once.
    again = not_picked_up(outreach_public_key, alone, status="Niet opgepakt: andere reden",
                          signal_id=first.payload.signal_id, report_id=first.payload.report_id,
                          after=timedelta(seconds=1))
    other = at_risk(outreach_public_key, municipality_code="0362")
    batch = [first, opened, again, repeat, other]
    traces = [traceparent(n) for n in (201, 202, 203, 204, 205)]
    async with pooled_unit_of_work(outreach_pool) as uow:
        await take_decisions(uow, batch, outreach.deps, within=lambda i: continued(traces[i]))

    for envelope in (opened, other):
        assert await outreach_pool.fetchval("SELECT status FROM cases WHERE case_id = $1",
                                            envelope.payload.episode_id) == "open"
    timeline = await outreach_pool.fetch("SELECT kind, detail FROM case_timeline WHERE case_id = $1 ORDER BY kind",
                                         opened.payload.episode_id)
    assert [t["kind"] for t in timeline] == ["opened", "signal_not_picked_up"]
    assert json.loads(timeline[1]["detail"]) == {"partner_id": "vgz", "status": "Niet opgepakt: onterecht signaal"}
    kept = await outreach_pool.fetch(
        "SELECT signal_id, household_key, ddas_status, contact FROM signals_not_picked_up"
        " WHERE signal_id = ANY($1::uuid[])", [first.payload.signal_id, repeat.payload.signal_id])
    assert {(r["signal_id"], r["household_key"], r["ddas_status"]) for r in kept} == {
        (first.payload.signal_id, alone, "Niet opgepakt: andere reden"),
        (repeat.payload.signal_id, household, "Niet opgepakt: onterecht signaal")}
    assert all(json.loads(r["contact"]) == {"bsn": "123456782"} for r in kept)  # only the DDAS client

    assert await feedback_of(outreach_pool, first.payload.report_id) == [
        {"outcome": "not_picked_up", "traceparent": traces[0]["traceparent"]}]
    assert await feedback_of(outreach_pool, repeat.payload.report_id) == [
        {"outcome": "not_picked_up", "traceparent": traces[3]["traceparent"]}]
    for signal in opened.payload.signals:
        assert await feedback_of(outreach_pool, signal.report_id) == [
            {"outcome": "picked_up", "traceparent": traces[1]["traceparent"]}]


async def test_a_redelivered_batch_changes_nothing(outreach, outreach_pool, outreach_public_key):
    opened = at_risk(outreach_public_key)
    batch = [opened, not_picked_up(outreach_public_key, opened.household_key),
             not_picked_up(outreach_public_key, f"hh-{uuid.uuid4().hex}")]
    async with pooled_unit_of_work(outreach_pool) as uow:
        await take_decisions(uow, batch, outreach.deps, within=lambda i: continued(traceparent(300 + i)))
        assert len(uow.emitted) == 4  # two picked up, two not picked up
    async with pooled_unit_of_work(outreach_pool) as uow:
        await take_decisions(uow, batch, outreach.deps, within=lambda i: continued(traceparent(310 + i)))
        assert uow.emitted == []
    assert await outreach_pool.fetchval("SELECT count(*) FROM case_timeline WHERE case_id = $1",
                                        opened.payload.episode_id) == 2
