"""The team API on the real database: tokens and roles, contact details by role, the worklist, and
every read in the audit log."""

from outreach.domain.calendar import day_part
from vroeg_contracts.partner_report import today_in_amsterdam

from .conftest import auth, perform_until


async def test_every_endpoint_refuses_a_request_without_a_valid_token(api, new_case):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    calls = [("GET", "/v1/worklist"), ("GET", "/v1/cases"), ("GET", f"/v1/cases/{case_id}"),
             ("POST", f"/v1/cases/{case_id}/attempts"), ("POST", f"/v1/cases/{case_id}/outcome"),
             ("GET", "/v1/admin/visits"), ("PUT", "/v1/admin/visits/0437"),
             ("GET", "/v1/ddas?from=2025-01-01&to=2025-01-31"),
             ("GET", "/v1/kpi?from=2025-01-01&to=2025-01-31"), ("GET", "/v1/audit")]
    for method, path in calls:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic Y3c6cHc="}):
            response = await api.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers)
    still_open = await api.get(f"/v1/cases/{case_id}", headers=auth("supervisor"))
    assert still_open.json()["status"] == "open"  # the refused outcome closed nothing


async def test_a_caseworker_cannot_use_admin_reporting_or_audit_endpoints(api):
    for method, path in [("GET", "/v1/admin/visits"), ("PUT", "/v1/admin/visits/0437"), ("GET", "/v1/audit"),
                         ("GET", "/v1/ddas?from=2025-01-01&to=2025-01-31"),
                         ("GET", "/v1/kpi?from=2025-01-01&to=2025-01-31")]:
        response = await api.request(method, path, headers=auth("caseworker"), json={"enabled": False})
        assert response.status_code == 403, (method, path)
    visits = await api.get("/v1/admin/visits/0437", headers=auth("admin"))
    assert visits.json()["enabled"] is True  # the refused switch changed nothing


async def test_an_auditor_reads_a_case_without_contact_details(api, new_case):
    envelope = await new_case()
    case_id = envelope.payload.episode_id
    caseworker = (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).json()
    assert caseworker["contact"]["name"].startswith("T. Proefbewoner")
    assert caseworker["contact"]["phone"] == "+31612345678"
    surname = caseworker["contact"]["name"].split()[-1]
    response = await api.get(f"/v1/cases/{case_id}", headers=auth("auditor"))
    assert response.status_code == 200
    page = response.json()
    assert page["contact"] is None
    for value in (surname, "Teststraat", "+31612345678", "123456782", "example.nl"):
        assert value not in response.text
    assert len(page["signals"]) == 2 and [letter["kind"] for letter in page["letters"]] == ["first"]
    assert [a["kind"] for a in page["attempts"]] == ["Brief"]
    assert [t["kind"] for t in page["timeline"]][:2] == ["opened", "letter_sent"]
    assert page["timeline"][0]["detail"] == {"intensity": "multiple", "action": "letter_and_call", "rule": "test",
                                             "signals": 2}


async def test_the_case_page_of_an_unknown_case_is_404(api):
    response = await api.get("/v1/cases/00000000-0000-4000-8000-000000000000", headers=auth("caseworker"))
    assert response.status_code == 404


async def test_every_read_is_in_the_audit_log(api, new_case):
    case_id = (await new_case()).payload.episode_id
    assert (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).status_code == 200
    assert (await api.get(f"/v1/cases/{case_id}", headers=auth("auditor"))).status_code == 200
    assert (await api.get("/v1/cases?status=open", headers=auth("supervisor"))).status_code == 200
    today = today_in_amsterdam().isoformat()
    assert (await api.get(f"/v1/ddas?from={today}&to={today}", headers=auth("supervisor"))).status_code == 200
    log = (await api.get(f"/v1/audit?case_id={case_id}", headers=auth("auditor"))).json()
    reads = {(entry["staff_id"], entry["action"]) for entry in log}
    assert {("cw-anna", "read:case"), ("au-daan", "read:case"), ("sv-carla", "read:ddas")} <= reads
    case_reads = [e for e in log if e["action"] == "read:case"]
    assert {e["detail"] for e in case_reads} == {"with contact details", "without contact details"}
    assert all(e["at"] for e in log)
    mine = (await api.get("/v1/audit?staff_id=au-daan&limit=5", headers=auth("auditor"))).json()
    assert mine[0]["action"] == "read:audit"  # reading the log is itself logged


async def test_the_worklist_shows_a_due_call_in_its_day_part_with_the_phone_number(api, outreach, new_case):
    case_id = (await new_case(phone=True)).payload.episode_id
    await perform_until(outreach, lambda steps: "call" in steps, case_id)
    worklist = (await api.get("/v1/worklist", headers=auth("caseworker"))).json()
    items = {part: [i for i in items if i["case_id"] == str(case_id)] for part, items in worklist["parts"].items()}
    (part,) = [p for p, found in items.items() if found]
    (item,) = items[part]
    assert item["activity"] == "Telefoon" and item["announced"] and not item["overdue"]
    assert item["contact"]["phone"] == "+31612345678"
    due = (await outreach.runtime.db.fetchval("SELECT due_at FROM work_items WHERE case_id = $1", case_id))
    assert part == day_part(due)
    log = (await api.get(f"/v1/audit?case_id={case_id}", headers=auth("auditor"))).json()
    assert any(e["action"] == "read:worklist" and e["staff_id"] == "cw-anna" for e in log)


async def test_a_visit_is_on_the_worklist_as_huisbezoek_with_the_address(api, outreach, new_case):
    case_id = (await new_case(phone=False)).payload.episode_id
    await perform_until(outreach, lambda steps: "visit" in steps, case_id)
    worklist = (await api.get("/v1/worklist", headers=auth("supervisor"))).json()
    (item,) = [i for items in worklist["parts"].values() for i in items if i["case_id"] == str(case_id)]
    assert item["activity"] == "Huisbezoek" and "Teststraat" in item["contact"]["address"]
