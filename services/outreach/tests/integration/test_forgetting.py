"""Erasure (every row of a household, ErasureCompleted with counts) and the retention sweep (cases
that led to no help, 6 months after their last event)."""

import json
import uuid
from datetime import timedelta

from outreach.handlers.erasure import erase
from outreach.handlers.note_not_picked_up import note_not_picked_up
from outreach.handlers.retention import sweep_expired
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureRequested, SignalNotPickedUp
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import auth, outbox_events

HOUSEHOLD_TABLES = ("signals_not_picked_up", "partner_feedback")
CASE_TABLES = ("cases", "case_signals", "letters", "contact_attempts", "schedule", "work_items", "case_timeline",
               "referrals")


async def rows_of(pool, household_key, case_ids):
    counts = {t: await pool.fetchval(f"SELECT count(*) FROM {t} WHERE household_key = $1", household_key)
              for t in HOUSEHOLD_TABLES}
    counts |= {t: await pool.fetchval(f"SELECT count(*) FROM {t} WHERE case_id = ANY($1::uuid[])", case_ids)
               for t in CASE_TABLES}
    return counts


async def test_erasure_deletes_every_row_of_the_household_and_reports_counts(api, outreach, new_case):
    pool = outreach.runtime.db
    case = await new_case()
    other = await new_case(send_letter=False)
    household, case_id = case.household_key, case.payload.episode_id
    attempted = await api.post(f"/v1/cases/{case_id}/attempts", headers=auth("caseworker"), json={
        "kind": "Telefoon", "reached": True, "date": str(today_in_amsterdam()), "day_part": "Middag"})
    assert attempted.status_code == 201
    await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"), json={
        "outcome": "Vervolghulp en/of verwijzing financieel",
        "referral": {"recipient": "kredietbank", "purpose": "schuldhulpverlening", "data_categories": ["name"]}})
    repeat = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id="waternet",
                               report_id=f"it-{uuid.uuid4().hex[:8]}", category=Category.WATER,
                               ddas_status="Niet opgepakt: herhaalde melding", reason="repeat")
    async with pooled_unit_of_work(pool) as uow:
        await note_not_picked_up(uow, Envelope.wrap(repeat, producer="matching", municipality_code="0437",
                                                     household_key=household, correlation_id=uuid.uuid4()))
    before = await rows_of(pool, household, [case_id])
    assert all(before[t] for t in ("cases", "case_signals", "letters", "contact_attempts", "case_timeline", "referrals",
                                   "signals_not_picked_up", "partner_feedback")), before

    request = Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                            producer="consent", municipality_code="0437", household_key=household,
                            correlation_id=uuid.uuid4())
    async with pooled_unit_of_work(pool) as uow:
        deleted = await erase(uow, request)
    assert await rows_of(pool, household, [case_id]) == dict.fromkeys(before, 0)
    assert {t: n for t, n in deleted.items() if n} == {t: n for t, n in before.items() if n}
    (completed,) = await outbox_events(pool, "ErasureCompleted", request_id=request.payload.request_id)
    assert completed["payload"]["service"] == "outreach" and completed["payload"]["deleted"] == deleted
    assert completed["causation_id"] == str(request.event_id) and completed["household_key"] == household
    assert await pool.fetchval("SELECT count(*) FROM cases WHERE case_id = $1", other.payload.episode_id) == 1
    # The audit log keeps who read what (ids only), so the municipality can still account for it.
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE $1 = ANY(case_ids)", case_id) >= 1
    raw = await pool.fetchval("SELECT payload FROM outbox WHERE headers->>'event_type' = 'ErasureCompleted'"
                              " ORDER BY seq DESC LIMIT 1")
    assert "Proefbewoner" not in raw.decode()


async def age(pool, case_id, days):
    """Make a case look as if everything in it happened `days` ago."""
    shift = timedelta(days=days)
    await pool.execute("UPDATE cases SET opened_at = opened_at - $2::interval, closed_at = closed_at - $2::interval"
                       " WHERE case_id = $1", case_id, shift)
    await pool.execute("UPDATE case_timeline SET occurred_at = occurred_at - $2::interval WHERE case_id = $1",
                       case_id, shift)


async def test_the_sweep_deletes_old_cases_that_led_to_no_help_and_keeps_the_rest(api, outreach, new_case):
    pool = outreach.runtime.db
    no_help_old, helped_old, no_help_recent, open_old = [(await new_case()).payload.episode_id for _ in range(4)]
    for case_id, outcome in [(no_help_old, "Inwoner hoeft geen hulp vanuit vroegsignalering"),
                             (helped_old, "(Budget)advies en/of quick fix"),
                             (no_help_recent, "Inwoner hoeft geen hulp vanuit vroegsignalering")]:
        response = await api.post(f"/v1/cases/{case_id}/outcome", json={"outcome": outcome}, headers=auth("caseworker"))
        assert response.status_code == 200
    for case_id in (no_help_old, helped_old, open_old):
        await age(pool, case_id, 200)
    # A case whose last event is recent is kept, however old it is.
    await age(pool, no_help_recent, 200)
    await pool.execute("INSERT INTO case_timeline (case_id, kind) VALUES ($1, 'attempt')", no_help_recent)

    async with pooled_unit_of_work(pool) as uow:
        deleted = await sweep_expired(uow, timedelta(days=180))
    assert deleted["cases"] >= 2
    remaining = {r["case_id"] for r in await pool.fetch(
        "SELECT case_id FROM cases WHERE case_id = ANY($1::uuid[])", [no_help_old, helped_old, no_help_recent, open_old])}
    assert remaining == {helped_old, no_help_recent}
    assert json.dumps(deleted)  # counts only
