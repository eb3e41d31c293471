"""Registering contact attempts and outcomes through the API: validation, the auto-close rule, the
next try, CaseClosed in the outbox."""

import uuid
from datetime import timedelta

import pytest

from vroeg_contracts.partner_report import today_in_amsterdam

from .conftest import auth, outbox_events, perform_until

TODAY = today_in_amsterdam().isoformat()


def attempt(kind="Telefoon", reached=False, day_part="Ochtend", when=TODAY, **extra):
    return {"kind": kind, "reached": reached, "date": when, "day_part": day_part, **extra}


@pytest.mark.parametrize(("body", "field", "reason"), [
    (attempt(kind="Telefax"), "kind", "Input should be 'Administratief', 'Afspraak op locatie'"),
    (attempt(day_part="Nacht"), "day_part", "Input should be 'Ochtend', 'Middag' or 'Avond'"),
    (attempt(when=(today_in_amsterdam() + timedelta(days=1)).isoformat()), "date", "lies in the future"),
    (attempt(when="12-01-2025"), "date", "Input should be a valid date"),
    ({"kind": "Telefoon", "date": TODAY, "day_part": "Middag"}, "reached", "Field required"),
    (attempt(note="not a field"), "note", "Extra inputs are not permitted"),
])
async def test_a_bad_attempt_is_refused_naming_the_field_and_the_reason(api, new_case, body, field, reason):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    response = await api.post(f"/v1/cases/{case_id}/attempts", json=body, headers=auth("caseworker"))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field] and reason in error["msg"]


async def test_an_attempt_before_the_case_was_opened_is_refused(api, new_case):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    yesterday = (today_in_amsterdam() - timedelta(days=1)).isoformat()
    response = await api.post(f"/v1/cases/{case_id}/attempts", json=attempt(when=yesterday), headers=auth("caseworker"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "date"]
    assert "before the case was opened" in response.json()["detail"][0]["msg"]


async def test_three_unreached_attempts_close_the_case_by_itself(api, outreach, new_case):
    case_id = (await new_case(phone=True)).payload.episode_id
    await perform_until(outreach, lambda steps: "call" in steps, case_id)
    url = f"/v1/cases/{case_id}/attempts"
    first = await api.post(url, json=attempt("Telefoon", day_part="Ochtend"), headers=auth("caseworker"))
    assert first.status_code == 201
    assert first.json()["case_status"] == "open" and first.json()["unreached_attempts"] == 1
    assert first.json()["next_step"] == "call"  # tried again, a working day later, at another time of day
    second = await api.post(url, json=attempt("Huisbezoek", day_part="Middag"), headers=auth("supervisor"))
    assert second.json()["unreached_attempts"] == 2
    third = await api.post(url, json=attempt("Telefoon", day_part="Avond"), headers=auth("caseworker"))
    assert third.json() | {"attempt_id": None, "next_due_at": None} == {
        "attempt_id": None, "case_status": "closed", "unreached_attempts": 3,
        "closed_as": "Definitief geen contact kunnen krijgen", "next_step": None, "next_due_at": None}
    (closed,) = await outbox_events(outreach.runtime.db, "CaseClosed", case_id=case_id)
    assert closed["payload"]["outcome"] == "Definitief geen contact kunnen krijgen"
    assert closed["payload"]["unreached_attempts"] == 3
    page = (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).json()
    assert page["status"] == "closed" and page["closed_by"] == "outreach"
    assert page["planned"] == [] and page["work"] == []  # nothing left to do for a closed case
    late = await api.post(url, json=attempt(), headers=auth("caseworker"))
    assert late.status_code == 409


async def test_letters_do_not_count_toward_the_three_attempts(api, outreach, new_case):
    case_id = (await new_case(phone=True)).payload.episode_id
    for _ in range(3):
        response = await api.post(f"/v1/cases/{case_id}/attempts", json=attempt("Brief"), headers=auth("caseworker"))
        assert response.json()["case_status"] == "open" and response.json()["unreached_attempts"] == 0


async def test_reaching_the_resident_ends_the_planned_contact(api, outreach, new_case):
    case_id = (await new_case(phone=True)).payload.episode_id
    await perform_until(outreach, lambda steps: "call" in steps, case_id)
    response = await api.post(f"/v1/cases/{case_id}/attempts", json=attempt(reached=True, day_part="Middag"),
                              headers=auth("caseworker"))
    assert response.status_code == 201 and response.json()["case_status"] == "open"
    page = (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).json()
    assert page["work"] == [] and page["planned"] == []
    assert page["attempts"][-1]["registered_by"] == "cw-anna"


async def test_the_outcome_closes_the_case_and_publishes_case_closed(api, outreach, new_case):
    case_id = (await new_case()).payload.episode_id
    body = {"outcome": "Inwoner heeft zelf al betaald/betalingsregeling getroffen"}
    response = await api.post(f"/v1/cases/{case_id}/outcome", json=body, headers=auth("caseworker"))
    assert response.status_code == 200
    assert response.json() == {"case_id": str(case_id), "status": "closed", "outcome": body["outcome"],
                               "referral_request_id": None}
    (closed,) = await outbox_events(outreach.runtime.db, "CaseClosed", case_id=case_id)
    assert closed["payload"]["outcome"] == body["outcome"]
    again = await api.post(f"/v1/cases/{case_id}/outcome", json=body, headers=auth("caseworker"))
    assert again.status_code == 409
    assert len(await outbox_events(outreach.runtime.db, "CaseClosed", case_id=case_id)) == 1


async def test_an_outcome_outside_the_ddas_list_or_for_an_unknown_case_is_refused(api, new_case):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    wrong = await api.post(f"/v1/cases/{case_id}/outcome", json={"outcome": "Opgelost"}, headers=auth("caseworker"))
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "outcome"]
    unknown = await api.post(f"/v1/cases/{uuid.uuid4()}/outcome", json={"outcome": "Inwoner is overleden"},
                             headers=auth("caseworker"))
    assert unknown.status_code == 404


async def test_a_referral_goes_only_with_a_referral_outcome(api, new_case):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    body = {"outcome": "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
            "referral": {"recipient": "schuldhulp-amstelland", "purpose": "schuldhulpverlening",
                         "data_categories": ["name"]}}
    response = await api.post(f"/v1/cases/{case_id}/outcome", json=body, headers=auth("caseworker"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "referral"]
    assert (await api.get(f"/v1/cases/{case_id}", headers=auth("caseworker"))).json()["status"] == "open"
