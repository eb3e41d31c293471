"""Feedback to partners: picked_up or not_picked_up once per report, on the partner's own topic,
never the reason."""

import json
import uuid

from outreach.handlers.note_not_picked_up import note_not_picked_up
from outreach.handlers.open_case import open_case
from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import SignalNotPickedUp
from vroeg_contracts.partner_report import Category
from vroeg_runtime.unit_of_work import pooled_unit_of_work


async def feedback_rows(pool, report_id):
    rows = await pool.fetch("SELECT topic, key, payload FROM outbox WHERE key = $1 AND topic LIKE 'partner.%'",
                            report_id.encode())
    return [(r["topic"], json.loads(r["payload"])) for r in rows]


async def test_each_report_of_a_new_case_is_picked_up_once(outreach, new_case):
    envelope = await new_case(send_letter=False)
    for signal in envelope.payload.signals:
        (topic, message), = await feedback_rows(outreach.runtime.db, signal.report_id)
        assert topic == topics.partner_feedback(signal.partner_id)
        assert set(message) == {"message_type", "feedback_id", "partner_id", "report_id", "outcome", "decided_at"}
        assert message["outcome"] == "picked_up" and message["report_id"] == signal.report_id
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        assert not await open_case(uow, envelope, outreach.deps)  # a redelivered decision
    for signal in envelope.payload.signals:
        assert len(await feedback_rows(outreach.runtime.db, signal.report_id)) == 1


async def test_a_signal_not_picked_up_is_told_so_without_the_reason(outreach):
    report_id = f"it-{uuid.uuid4().hex[:10]}"
    payload = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id="vgz", report_id=report_id,
                                category=Category.HEALTH_INSURANCE, ddas_status="Niet opgepakt: onterecht signaal",
                                reason="below the threshold of 30 days")
    envelope = Envelope.wrap(payload, producer="matching", municipality_code="0437", household_key=f"hh-{uuid.uuid4().hex}",
                             correlation_id=uuid.uuid4())
    for _ in range(2):
        async with pooled_unit_of_work(outreach.runtime.db) as uow:
            await note_not_picked_up(uow, envelope, outreach.deps)
    (topic, message), = await feedback_rows(outreach.runtime.db, report_id)
    assert topic == "partner.vgz.feedback.v1" and message["outcome"] == "not_picked_up"
    assert "threshold" not in json.dumps(message) and "Niet opgepakt" not in json.dumps(message)


async def test_a_repeat_that_was_not_picked_up_is_not_later_told_picked_up(outreach, new_case):
    envelope = await new_case(send_letter=False)
    signal = envelope.payload.signals[0]
    repeat = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id=signal.partner_id,
                               report_id=f"it-{uuid.uuid4().hex[:10]}", category=signal.category,
                               ddas_status="Niet opgepakt: herhaalde melding", reason="repeat")
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        await note_not_picked_up(uow, Envelope.wrap(repeat, producer="matching", municipality_code="0437",
                                                     household_key=envelope.household_key, correlation_id=uuid.uuid4()),
                                 outreach.deps)
    (_, message), = await feedback_rows(outreach.runtime.db, repeat.report_id)
    assert message["outcome"] == "not_picked_up"
    timeline = await outreach.runtime.db.fetch("SELECT kind FROM case_timeline WHERE case_id = $1",
                                               envelope.payload.episode_id)
    assert "signal_not_picked_up" in [t["kind"] for t in timeline]
