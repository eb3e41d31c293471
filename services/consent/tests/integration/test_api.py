"""The staff API against the real database: tokens and roles, registering, listing and withdrawing
consents (stored under the person's pseudonym, never the BSN), grants, access requests and erasure requests."""

import json
import uuid

import pytest

from consent.domain.staff import Role
from consent.handlers.sharing import decide_share
from vroeg_contracts import topics
from vroeg_devtools import bus
from vroeg_runtime.unit_of_work import pooled_unit_of_work

MUNICIPALITY = "0437"

CASEWORKER, SUPERVISOR, AUDITOR = Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR
ENDPOINTS = [("POST", "/v1/consents"), ("POST", "/v1/consents/search"), ("POST", "/v1/consents/{id}/withdrawal"),
             ("POST", "/v1/grants/{id}/use"), ("POST", "/v1/erasure-requests"), ("GET", "/v1/erasure-requests"),
             ("GET", "/v1/erasure-requests/{id}"), ("GET", "/v1/audit/verification"),
             ("POST", "/v1/audit/access-requests")]


def consent_body(person, **overrides):
    return {"municipality_code": MUNICIPALITY, "bsn": person.bsn, "recipient": "schuldhulp-amstelland",
            "purpose": "referral", "data_categories": ["contact_details", "arrears"], "channel": "in_person",
            **overrides}


async def register(api, person, **overrides) -> dict:
    response = await api.call(CASEWORKER, "POST", "/v1/consents", json=consent_body(person, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_without_a_valid_token_every_endpoint_is_401(api, person, method, path):
    path = path.replace("{id}", str(uuid.uuid4()))
    assert (await api.call(None, method, path, json=consent_body(person))).status_code == 401
    # The development tokens are not valid here: this process has a staff file of its own.
    response = await api.client.request(method, path, json=consent_body(person),
                                        headers={"Authorization": "Bearer dev-staff-admin"})
    assert response.status_code == 401


@pytest.mark.parametrize(("role", "method", "path"), [
    (AUDITOR, "POST", "/v1/consents"),
    (CASEWORKER, "POST", "/v1/erasure-requests"),
    (CASEWORKER, "GET", "/v1/erasure-requests"),
    (SUPERVISOR, "GET", "/v1/audit/verification"),
    (CASEWORKER, "POST", "/v1/audit/access-requests"),
])
async def test_a_role_that_may_not_is_403(api, person, role, method, path):
    response = await api.call(role, method, path, json=consent_body(person))
    assert response.status_code == 403
    assert response.json()["detail"].startswith(f"role {role} may not do this")


async def test_a_consent_is_stored_under_the_pseudonym_and_never_the_bsn(api, person, consent_db):
    registered = await register(api, person, valid_until="2099-01-01T00:00:00+01:00")
    assert registered["status"] == "active" and registered["registered_by"] == "test-caseworker"
    row = await consent_db.fetchrow("SELECT * FROM consents WHERE consent_id = $1", uuid.UUID(registered["consent_id"]))
    assert row["person_key"] == person.person_key
    assert person.bsn not in json.dumps({k: str(v) for k, v in dict(row).items()})
    audit = await consent_db.fetch("SELECT detail::text || subjects::text AS text FROM audit_log"
                                   " WHERE detail->>'consent_id' = $1", registered["consent_id"])
    assert audit
    assert not [r for r in audit if person.bsn in r["text"] or person.person_key in r["text"]]


async def test_list_by_bsn_then_withdraw(api, person):
    registered = await register(api, person)
    listed = await api.call(AUDITOR, "POST", "/v1/consents/search",
                            json={"municipality_code": MUNICIPALITY, "bsn": person.bsn})
    assert [c["consent_id"] for c in listed.json()["consents"]] == [registered["consent_id"]]

    path = f"/v1/consents/{registered['consent_id']}/withdrawal"
    withdrawn = await api.call(CASEWORKER, "POST", path, json={"channel": "phone"})
    assert withdrawn.status_code == 200 and withdrawn.json()["consent"]["status"] == "withdrawn"
    again = await api.call(CASEWORKER, "POST", path, json={"channel": "phone"})
    assert again.status_code == 409 and "already withdrawn" in again.json()["detail"]
    missing = await api.call(CASEWORKER, "POST", f"/v1/consents/{uuid.uuid4()}/withdrawal", json={"channel": "phone"})
    assert missing.status_code == 404


async def test_domain_errors_name_the_field(api, person):
    response = await api.call(CASEWORKER, "POST", "/v1/consents", json=consent_body(
        person, given_at="2026-01-10T00:00:00Z", valid_until="2026-01-01T00:00:00Z"))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "valid_until", "reason": "must be after given_at"}]


async def test_a_withdrawal_revokes_unused_grants_and_not_used_ones(api, person, consent_db):
    registered = await register(api, person)
    unused, used = person.share_request(categories=["arrears"]), person.share_request(categories=["arrears", "income"])
    async with pooled_unit_of_work(consent_db) as uow:
        assert (await decide_share(uow, unused)).permitted == ("arrears",)
        assert (await decide_share(uow, used)).granted
    confirmed = await api.call(CASEWORKER, "POST", f"/v1/grants/{used.payload.request_id}/use")
    assert confirmed.status_code == 200 and confirmed.json()["used_at"]
    assert (await api.call(CASEWORKER, "POST", f"/v1/grants/{used.payload.request_id}/use")).status_code == 409

    withdrawn = await api.call(CASEWORKER, "POST", f"/v1/consents/{registered['consent_id']}/withdrawal",
                               json={"channel": "letter"})
    assert withdrawn.json()["revoked_grants"] == [str(unused.payload.request_id)]
    assert (await api.call(CASEWORKER, "POST", f"/v1/grants/{unused.payload.request_id}/use")).status_code == 409
    # What consent published (its relay deletes the outbox rows it sent, ADR 0006).
    def about_unused(records):
        return [e for e in bus.events(records) if e["payload"].get("request_id") == str(unused.payload.request_id)]
    announced = about_unused(await bus.read_topic(topics.DATA_SHARE_DECIDED,
                                                  until=lambda records: len(about_unused(records)) >= 2, settle=1.0))
    # The later denial of the same request id supersedes the grant.
    assert [e["event_type"] for e in announced] == ["DataShareGranted", "DataShareDenied"]
    denial = announced[-1]
    assert denial["payload"]["reason"] == "grant revoked: consent withdrawn"
    assert denial["household_key"] == person.household_key and denial["correlation_id"] == str(unused.correlation_id)


async def test_an_access_request_exports_the_persons_entries_with_a_dutch_summary(api, person):
    await register(api, person)
    await api.call(CASEWORKER, "POST", "/v1/consents/search",
                   json={"municipality_code": MUNICIPALITY, "bsn": person.bsn})
    response = await api.call(AUDITOR, "POST", "/v1/audit/access-requests",
                              json={"municipality_code": MUNICIPALITY, "bsn": person.bsn})
    assert response.status_code == 200
    export = response.json()
    assert [e["kind"] for e in export["entries"]] == ["consent_registered", "consents_viewed"]
    assert export["summary_nl"].startswith("Wij hebben 2 gebeurtenissen over u vastgelegd.")
    assert len(export["consents"]) == 1
    assert person.bsn not in response.text and person.person_key not in response.text


async def test_an_erasure_request_is_stored_published_and_pending(api, person, consent_db):
    response = await api.call(SUPERVISOR, "POST", "/v1/erasure-requests", json={
        "municipality_code": MUNICIPALITY, "postcode": f"{person.postcode[:4]} {person.postcode[4:].lower()}",
        "house_number": person.house_number, "bsn": person.bsn, "reason": "objection"})
    assert response.status_code == 202, response.text
    request = response.json()
    assert request["status"] == "pending"
    assert [(s["service"], s["status"]) for s in request["services"]] == [
        ("intake", "pending"), ("matching", "pending"), ("outreach", "pending"), ("consent", "pending")]
    row = await consent_db.fetchrow("SELECT * FROM erasure_requests WHERE request_id = $1",
                                    uuid.UUID(request["request_id"]))
    assert (row["household_key"], row["person_key"]) == (person.household_key, person.person_key)

    records = await bus.read_topic(topics.ERASURE_REQUESTED, timeout=60, until=lambda rs: any(
        e["correlation_id"] == request["request_id"] for e in bus.events(rs, "ErasureRequested")))
    record = next(r for r in records if r.json()["correlation_id"] == request["request_id"])
    envelope = record.json()
    assert envelope["household_key"] == person.household_key and record.key == person.household_key.encode()
    assert envelope["payload"] == {"request_id": request["request_id"], "person_key": person.person_key,
                                   "reason": "objection"}
    assert person.bsn.encode() not in record.value and person.postcode.encode() not in record.value

    listed = await api.call(AUDITOR, "GET", "/v1/erasure-requests", params={"status": "pending"})
    assert request["request_id"] in {r["request_id"] for r in listed.json()["requests"]}
    assert (await api.call(AUDITOR, "GET", f"/v1/erasure-requests/{uuid.uuid4()}")).status_code == 404
