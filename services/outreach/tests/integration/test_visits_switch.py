"""Visits switch at run time: an admin call, stored in outreach's database; switching off turns the
visits still planned or waiting on the worklist into follow-up letters."""

from datetime import UTC, datetime, timedelta

import pytest

from outreach.adapters import switches

from .conftest import auth, outbox_events, perform_until


@pytest.fixture
async def visits_back_on(api):
    yield
    response = await api.put("/v1/admin/visits", json={"enabled": True}, headers=auth("admin"))
    assert response.status_code == 200


async def test_switching_visits_off_turns_pending_visits_into_letters(api, outreach, new_case, visits_back_on):
    pool = outreach.runtime.db
    waiting = (await new_case(phone=False)).payload.episode_id  # its visit is on the worklist already
    await perform_until(outreach, lambda steps: "visit" in steps, waiting)
    planned = (await new_case(phone=False, send_letter=False)).payload.episode_id
    await pool.execute("UPDATE schedule SET due_at = $2 WHERE case_id = $1", planned,
                       datetime.now(UTC) - timedelta(seconds=1))
    await perform_until(outreach, lambda steps: "first_letter" in steps, planned)
    # the visit a week out, as in production
    await pool.execute("UPDATE schedule SET due_at = now() + interval '7 days' WHERE case_id = $1 AND step = 'visit'",
                       planned)

    response = await api.put("/v1/admin/visits", json={"enabled": False}, headers=auth("admin"))
    assert response.status_code == 200
    body = response.json()
    assert body["enabled"] is False and body["changed_by"] == "ad-eva" and body["visits_replaced"] >= 2

    for case_id in (waiting, planned):
        page = (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).json()
        assert [p["step"] for p in page["planned"]] == ["follow_up_letter"], case_id
        assert page["work"] == []
        assert "visit_replaced_by_letter" in [t["kind"] for t in page["timeline"]]
    await perform_until(outreach, lambda steps: "follow_up_letter" in steps, waiting)
    assert await outbox_events(pool, "LetterSent", case_id=waiting, letter_kind="follow_up")
    # every instance reads the switch from the database, so it holds for all and after a restart
    assert not (await switches.read(pool, switches.VISITS, default=True)).enabled
    assert (await api.get("/v1/admin/visits", headers=auth("supervisor"))).json()["enabled"] is False


async def test_with_visits_off_a_case_without_phone_gets_a_second_letter(api, outreach, new_case, visits_back_on):
    assert (await api.put("/v1/admin/visits", json={"enabled": False}, headers=auth("admin"))).status_code == 200
    case_id = (await new_case(phone=False)).payload.episode_id
    steps = await perform_until(outreach, lambda steps: "follow_up_letter" in steps, case_id)
    assert "visit" not in steps
    assert [e["payload"]["letter_kind"] for e in await outbox_events(outreach.runtime.db, "LetterSent", case_id=case_id)] \
        == ["first", "follow_up"]
    assert not await outbox_events(outreach.runtime.db, "VisitDue", case_id=case_id)


async def test_only_an_admin_switches_visits(api):
    for role in ("caseworker", "supervisor", "auditor"):
        response = await api.put("/v1/admin/visits", json={"enabled": False}, headers=auth(role))
        assert response.status_code == 403
    assert (await api.get("/v1/admin/visits", headers=auth("admin"))).json()["enabled"] is True
    bad = await api.put("/v1/admin/visits", json={"enabled": "sometimes"}, headers=auth("admin"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "enabled"]
