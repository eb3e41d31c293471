"""Several municipalities on one installation: staff see and change only their own municipalities'
residents. Another municipality's person, consent, grant or erasure request answers 404 word for word
as "not found", nothing changes, and the refusal is written to the audit chain (refused:<what>, the
staff id and the municipality asked for, never a BSN or a pseudonym) and to the log."""

import asyncio
import json
import uuid

from consent.handlers.sharing import decide_share
from vroeg_runtime.unit_of_work import pooled_unit_of_work

MUNICIPALITY, AMSTELVEEN = "0437", "0362"  # Ouder-Amstel, Amstelveen: the test staff's (conftest.STAFF)


def person_ref(person) -> dict:
    return {"municipality_code": person.municipality_code, "bsn": person.bsn}


def consent_body(person) -> dict:
    return {**person_ref(person), "recipient": "schuldhulp-amstelland", "purpose": "referral",
            "data_categories": ["arrears"], "channel": "in_person"}


def erasure_body(person) -> dict:
    return {"municipality_code": person.municipality_code, "postcode": f"{person.postcode[:4]} {person.postcode[4:]}",
            "house_number": person.house_number, "bsn": person.bsn, "reason": "objection"}


async def head(consent_db) -> int:
    return await consent_db.fetchval("SELECT coalesce(max(position), 0) FROM audit_log")


async def entries_since(consent_db, position: int) -> list[dict]:
    """The entries staff caused after `position` (consent's own, such as its erasure, may come in between)."""
    rows = await consent_db.fetch("SELECT kind, actor, subjects, detail::text AS detail FROM audit_log"
                                  " WHERE position > $1 AND actor LIKE 'test-%' ORDER BY position", position)
    return [{"kind": r["kind"], "actor": r["actor"], "subjects": r["subjects"], "detail": json.loads(r["detail"])}
            for r in rows]


def refusal(kind: str, actor: str, municipality: str, record_id: str | None = None) -> dict:
    detail = {"municipality_code": municipality, **({"record_id": record_id} if record_id else {})}
    return {"kind": kind, "actor": f"test-{actor}", "subjects": [], "detail": detail}


async def logged(process, *needles: str) -> str:
    """The service's log once it holds every needle (log lines may reach the file a moment later)."""
    for _ in range(50):
        text = process.log_path.read_text(errors="replace")
        if all(needle in text for needle in needles):
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"not logged: {needles}")


async def test_another_municipalitys_person_is_not_found_and_the_refusal_is_on_the_record(
        api, person, consent_db, consent_process):
    registered = await api.call("caseworker", "POST", "/v1/consents", json=consent_body(person))
    assert registered.status_code == 201, registered.text
    assert registered.json()["municipality_code"] == MUNICIPALITY
    before = await head(consent_db)

    refused = await api.call("caseworker-0362", "POST", "/v1/consents/search", json=person_ref(person))
    assert refused.status_code == 404
    assert refused.json() == {"detail": "municipality_code: not found"}
    assert await entries_since(consent_db, before) == [refusal("refused:consents", "caseworker-0362", MUNICIPALITY)]
    log = await logged(consent_process, "request_refused_out_of_scope", "test-caseworker-0362")
    assert person.bsn not in log and person.person_key not in log

    # The same request by Ouder-Amstel's caseworker, and by the region's supervisor, is answered.
    for member in ("caseworker", "supervisor-region"):
        found = await api.call(member, "POST", "/v1/consents/search", json=person_ref(person))
        assert found.status_code == 200, found.text
        assert [c["consent_id"] for c in found.json()["consents"]] == [registered.json()["consent_id"]]
    assert [e["kind"] for e in await entries_since(consent_db, before)] == [
        "refused:consents", "consents_viewed", "consents_viewed"]


async def test_nothing_is_registered_or_exported_for_another_municipality(api, person, amstelveen_person, consent_db):
    before = await head(consent_db)
    refused = await api.call("caseworker-0362", "POST", "/v1/consents", json=consent_body(person))
    assert (refused.status_code, refused.json()) == (404, {"detail": "municipality_code: not found"})
    assert await consent_db.fetchval("SELECT count(*) FROM consents WHERE person_key = $1", person.person_key) == 0
    exported = await api.call("auditor", "POST", "/v1/audit/access-requests", json=person_ref(amstelveen_person))
    assert exported.status_code == 404
    assert await entries_since(consent_db, before) == [
        refusal("refused:consent", "caseworker-0362", MUNICIPALITY),
        refusal("refused:access_request", "auditor", AMSTELVEEN)]

    # Amstelveen's caseworker registers for Amstelveen; the region's supervisor sees that consent too.
    assert (await api.call("caseworker-0362", "POST", "/v1/consents",
                           json=consent_body(amstelveen_person))).status_code == 201
    found = await api.call("supervisor-region", "POST", "/v1/consents/search", json=person_ref(amstelveen_person))
    assert [c["municipality_code"] for c in found.json()["consents"]] == [AMSTELVEEN]


async def test_another_municipalitys_consent_and_grant_answer_exactly_like_missing_ones(api, person, consent_db):
    consent = (await api.call("caseworker", "POST", "/v1/consents", json=consent_body(person))).json()
    share = person.share_request(categories=["arrears"])
    async with pooled_unit_of_work(consent_db) as uow:
        assert (await decide_share(uow, share)).granted
    withdrawal, use = f"/v1/consents/{consent['consent_id']}/withdrawal", f"/v1/grants/{share.payload.request_id}/use"
    missing_consent = await api.call("caseworker-0362", "POST", f"/v1/consents/{uuid.uuid4()}/withdrawal",
                                     json={"channel": "phone"})
    missing_grant = await api.call("caseworker-0362", "POST", f"/v1/grants/{uuid.uuid4()}/use")
    before = await head(consent_db)

    refused_withdrawal = await api.call("caseworker-0362", "POST", withdrawal, json={"channel": "phone"})
    refused_use = await api.call("caseworker-0362", "POST", use)
    assert (refused_withdrawal.status_code, refused_withdrawal.json()) == (404, missing_consent.json())
    assert (refused_use.status_code, refused_use.json()) == (404, missing_grant.json())
    assert await entries_since(consent_db, before) == [
        refusal("refused:consent", "caseworker-0362", MUNICIPALITY, consent["consent_id"]),
        refusal("refused:grant", "caseworker-0362", MUNICIPALITY, str(share.payload.request_id))]
    row = await consent_db.fetchrow("SELECT withdrawn_at, (SELECT used_at FROM share_decisions WHERE request_id = $2)"
                                    " AS used_at FROM consents WHERE consent_id = $1",
                                    uuid.UUID(consent["consent_id"]), share.payload.request_id)
    assert (row["withdrawn_at"], row["used_at"]) == (None, None)  # the refused units changed nothing

    # The region's supervisor serves Ouder-Amstel too.
    assert (await api.call("supervisor-region", "POST", use)).status_code == 200
    assert (await api.call("supervisor-region", "POST", withdrawal, json={"channel": "phone"})).status_code == 200


async def test_erasure_requests_are_seen_only_by_their_municipalitys_staff(api, person, amstelveen_person, consent_db):
    ours = await api.call("supervisor", "POST", "/v1/erasure-requests", json=erasure_body(person))
    theirs = await api.call("supervisor-0362", "POST", "/v1/erasure-requests", json=erasure_body(amstelveen_person))
    assert (ours.status_code, theirs.status_code) == (202, 202), (ours.text, theirs.text)
    ours_id, theirs_id = ours.json()["request_id"], theirs.json()["request_id"]
    missing = await api.call("supervisor-0362", "GET", f"/v1/erasure-requests/{uuid.uuid4()}")
    before = await head(consent_db)

    refused = await api.call("supervisor-0362", "GET", f"/v1/erasure-requests/{ours_id}")
    assert (refused.status_code, refused.json()) == (404, missing.json())
    refused_list = await api.call("supervisor-0362", "GET", "/v1/erasure-requests",
                                  params={"municipality_code": MUNICIPALITY})
    assert refused_list.status_code == 404
    refused_request = await api.call("supervisor-0362", "POST", "/v1/erasure-requests", json=erasure_body(person))
    assert refused_request.status_code == 404
    assert await entries_since(consent_db, before) == [
        refusal("refused:erasure_request", "supervisor-0362", MUNICIPALITY, ours_id),
        refusal("refused:erasure_requests", "supervisor-0362", MUNICIPALITY),
        refusal("refused:erasure_request", "supervisor-0362", MUNICIPALITY)]
    assert await consent_db.fetchval("SELECT count(*) FROM erasure_requests WHERE requested_by = $1"
                                     " AND municipality_code = $2", "test-supervisor-0362", MUNICIPALITY) == 0

    async def listed(member: str, **params: str) -> set[str]:
        response = await api.call(member, "GET", "/v1/erasure-requests", params={"limit": 1000, **params})
        assert response.status_code == 200, response.text
        requests = response.json()["requests"]
        assert {r["municipality_code"] for r in requests} <= {MUNICIPALITY, AMSTELVEEN}
        return {r["request_id"] for r in requests}

    assert ours_id in await listed("supervisor") and theirs_id not in await listed("supervisor")
    assert theirs_id in await listed("supervisor-0362") and ours_id not in await listed("supervisor-0362")
    assert {ours_id, theirs_id} <= await listed("supervisor-region")
    assert ours_id not in await listed("supervisor-region", municipality_code=AMSTELVEEN)
    for member in ("supervisor", "supervisor-region", "auditor"):
        assert (await api.call(member, "GET", f"/v1/erasure-requests/{ours_id}")).status_code == 200
    assert (await api.call("supervisor-region", "GET", f"/v1/erasure-requests/{theirs_id}")).status_code == 200

    verification = await api.call("auditor", "GET", "/v1/audit/verification")
    assert verification.json()["intact"] is True  # refusals are chained like every other entry
