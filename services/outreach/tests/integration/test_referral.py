"""Referral needs consent: DataShareRequested first; the package only after a grant, with only the
granted data; a denial is recorded on the case."""

import json
import uuid
from pathlib import Path

from outreach.handlers.sharing import act_on_decision
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareDenied, DataShareGranted
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import auth, outbox_events

REFERRAL = {"recipient": "schuldhulp-amstelland", "purpose": "schuldhulpverlening",
            "data_categories": ["name", "phone", "bsn", "arrears"]}


async def refer(api, case_id) -> str:
    body = {"outcome": "Vervolghulp en/of verwijzing financieel", "referral": REFERRAL}
    response = await api.post(f"/v1/cases/{case_id}/outcome", json=body, headers=auth("caseworker"))
    assert response.status_code == 200
    return response.json()["referral_request_id"]


def decided(case_envelope, payload) -> Envelope:
    return Envelope.wrap(payload, producer="consent", municipality_code="0437", household_key=case_envelope.household_key,
                         correlation_id=case_envelope.correlation_id)


async def decide(outreach, envelope) -> str:
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        return await act_on_decision(uow, envelope, outreach.deps.referrals)


async def test_a_referral_asks_consent_and_sends_only_the_granted_data(api, outreach, new_case):
    case = await new_case()
    request_id = await refer(api, case.payload.episode_id)
    (request,) = await outbox_events(outreach.runtime.db, "DataShareRequested", request_id=request_id)
    assert request["payload"] | {"request_id": None} == {
        "request_id": None, "person_key": None, "requester": "outreach", "recipient": "schuldhulp-amstelland",
        "purpose": "schuldhulpverlening", "data_categories": ["name", "phone", "bsn", "arrears"]}
    assert request["household_key"] == case.household_key
    folder = Path(outreach.settings.referrals_dir) / "0437"
    assert not (folder / f"{request_id}.json").exists()  # nothing leaves before consent

    grant = DataShareGranted(request_id=uuid.UUID(request_id), permitted_fields=["name", "arrears"],
                             consent_id=uuid.uuid4())
    assert await decide(outreach, decided(case, grant)) == "sent"
    package = json.loads((folder / f"{request_id}.json").read_text())
    assert package["granted_categories"] == ["name", "arrears"] and set(package["data"]) == {"name", "arrears"}
    assert package["data"]["name"]["surname"].startswith("Proefbewoner")
    assert "+31612345678" not in json.dumps(package) and "123456782" not in json.dumps(package)
    assert len(package["data"]["arrears"]) == 2

    page = (await api.get(f"/v1/cases/{case.payload.episode_id}", headers=auth("supervisor"))).json()
    (referral,) = page["referrals"]
    assert referral["status"] == "sent" and referral["permitted"] == ["name", "arrears"]
    assert "referral_sent" in [t["kind"] for t in page["timeline"]]
    assert await decide(outreach, decided(case, grant)) == "decided_already"  # a redelivery sends nothing new


async def test_a_denial_is_recorded_on_the_case_and_nothing_is_sent(api, outreach, new_case):
    case = await new_case()
    request_id = await refer(api, case.payload.episode_id)
    denial = DataShareDenied(request_id=uuid.UUID(request_id), reason="no consent")
    assert await decide(outreach, decided(case, denial)) == "denied"
    page = (await api.get(f"/v1/cases/{case.payload.episode_id}", headers=auth("caseworker"))).json()
    (referral,) = page["referrals"]
    assert referral["status"] == "denied" and referral["reason"] == "no consent"
    assert not (Path(outreach.settings.referrals_dir) / "0437" / f"{request_id}.json").exists()


async def test_a_decision_on_someone_elses_request_is_ignored(outreach, new_case):
    case = await new_case(send_letter=False)
    grant = DataShareGranted(request_id=uuid.uuid4(), permitted_fields=["name"], consent_id=uuid.uuid4())
    assert await decide(outreach, decided(case, grant)) == "not_ours"


async def test_a_referral_asks_for_known_data_categories_only(api, new_case):
    case_id = (await new_case(send_letter=False)).payload.episode_id
    for referral, field in [({**REFERRAL, "data_categories": ["income"]}, ["body", "referral", "data_categories", 0]),
                            ({**REFERRAL, "data_categories": []}, ["body", "referral", "data_categories"]),
                            ({**REFERRAL, "recipient": "Mevr. Jansen"}, ["body", "referral", "recipient"])]:
        response = await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"),
                                  json={"outcome": "Vervolghulp en/of verwijzing financieel", "referral": referral})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == field
