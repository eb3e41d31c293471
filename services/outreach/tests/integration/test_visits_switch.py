"""Visits switch at run time, per municipality: an admin call, stored in outreach's database;
switching off turns that municipality's visits still planned or waiting on the worklist into
follow-up letters, and leaves every other municipality's alone."""

from datetime import UTC, datetime, timedelta

import pytest

from outreach.adapters import switches

from .conftest import auth, outbox_events, perform_until


@pytest.fixture
async def visits_back_on(api):
    yield
    for code in ("0437", "0362"):
        response = await api.put(f"/v1/admin/visits/{code}", json={"enabled": True}, headers=auth("admin"))
        assert response.status_code == 200


async def _steps_planned(api, case_id, role="supervisor"):
    page = (await api.get(f"/v1/cases/{case_id}", headers=auth(role))).json()
    return [p["step"] for p in page["planned"]], page


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
    # An Amstelveen case with its visit on the worklist: switching Ouder-Amstel's visits off leaves it alone
    elsewhere = (await new_case(phone=False, municipality_code="0362")).payload.episode_id
    await perform_until(outreach, lambda steps: "visit" in steps, elsewhere)

    response = await api.put("/v1/admin/visits/0437", json={"enabled": False}, headers=auth("admin"))
    assert response.status_code == 200
    body = response.json()
    assert body["enabled"] is False and body["changed_by"] == "ad-eva" and body["visits_replaced"] >= 2

    for case_id in (waiting, planned):
        steps, page = await _steps_planned(api, case_id)
        assert steps == ["follow_up_letter"], case_id
        assert page["work"] == []
        assert "visit_replaced_by_letter" in [t["kind"] for t in page["timeline"]]
    _, untouched = await _steps_planned(api, elsewhere)
    assert [w["kind"] for w in untouched["work"]] == ["visit"]
    assert "visit_replaced_by_letter" not in [t["kind"] for t in untouched["timeline"]]
    await perform_until(outreach, lambda steps: "follow_up_letter" in steps, waiting)
    assert await outbox_events(pool, "LetterSent", case_id=waiting, letter_kind="follow_up")
    # every instance reads the switch from the database, so it holds for all and after a restart
    assert not (await switches.read_visits(pool, "0437", default=True)).enabled
    assert (await switches.read_visits(pool, "0362", default=True)).enabled
    listed = (await api.get("/v1/admin/visits", headers=auth("supervisor"))).json()
    assert {m["municipality_code"]: m["enabled"] for m in listed} == {"0437": False, "0362": True}


async def test_with_visits_off_a_case_without_phone_gets_a_second_letter(api, outreach, new_case, visits_back_on):
    assert (await api.put("/v1/admin/visits/0362", json={"enabled": False}, headers=auth("admin"))).status_code == 200
    case_id = (await new_case(phone=False, municipality_code="0362")).payload.episode_id
    steps = await perform_until(outreach, lambda steps: "follow_up_letter" in steps, case_id)
    assert "visit" not in steps
    assert [e["payload"]["letter_kind"] for e in await outbox_events(outreach.runtime.db, "LetterSent", case_id=case_id)] \
        == ["first", "follow_up"]
    assert not await outbox_events(outreach.runtime.db, "VisitDue", case_id=case_id)
    # the other municipality still visits
    visited = (await new_case(phone=False)).payload.episode_id
    assert "visit" in await perform_until(outreach, lambda steps: "visit" in steps, visited)


async def test_only_an_admin_switches_visits(api):
    for role in ("caseworker", "supervisor", "auditor"):
        response = await api.put("/v1/admin/visits/0437", json={"enabled": False}, headers=auth(role))
        assert response.status_code == 403
    assert (await api.get("/v1/admin/visits/0437", headers=auth("admin"))).json()["enabled"] is True
    bad = await api.put("/v1/admin/visits/0437", json={"enabled": "sometimes"}, headers=auth("admin"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "enabled"]


async def test_a_municipality_not_served_is_not_found_and_the_refusal_is_audited(api, outreach):
    assert (await api.get("/v1/admin/visits/0362", headers=auth("supervisor-0362"))).status_code == 200
    for code in ("0437", "0999"):  # another municipality's switch, and one the installation does not serve
        response = await api.get(f"/v1/admin/visits/{code}", headers=auth("supervisor-0362"))
        assert response.status_code == 404, code
    listed = (await api.get("/v1/admin/visits", headers=auth("supervisor-0362"))).json()
    assert [m["municipality_code"] for m in listed] == ["0362"]
    refused = await outreach.runtime.db.fetch(
        "SELECT detail FROM audit_log WHERE staff_id = 'sv-gijs' AND action = 'refused:municipality'")
    assert {r["detail"].split()[-1] for r in refused} >= {"0437", "0999"}
