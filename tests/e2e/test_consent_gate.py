"""Consent as a process on the real broker: every DataShareRequested gets a decision on
DATA_SHARE_DECIDED (granted only under valid consent, with only the permitted fields; a withdrawal
revokes the unused grant), and an erasure request is complete only when all four services answered."""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from vroeg_contracts import privacy, topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareRequested, ErasureCompleted
from vroeg_devtools import bus
from vroeg_devtools.synthetic import valid_bsn
from vroeg_contracts.keys import KeyFolder

MUNICIPALITY = "0437"
ROLES = ("caseworker", "supervisor", "auditor", "admin")


class Resident:
    def __init__(self, secret: bytes, rng: random.Random) -> None:
        self.bsn = valid_bsn(rng)
        self.person_key = privacy.person_key(secret, self.bsn)
        self.postcode, self.house_number = f"{rng.randint(1000, 9999)}KL", rng.randint(1, 99999)
        self.household_key = privacy.household_key(secret, self.postcode, self.house_number)

    def asks(self, categories: list[str], *, purpose: str = "referral") -> Envelope[DataShareRequested]:
        payload = DataShareRequested(request_id=uuid.uuid4(), person_key=self.person_key, requester="outreach",
                                     recipient="schuldhulp-amstelland", purpose=purpose, data_categories=categories)
        return Envelope.wrap(payload, producer="outreach", municipality_code=MUNICIPALITY,
                             household_key=self.household_key, correlation_id=uuid.uuid4())


def start_consent(stack, tmp_path) -> tuple[httpx.AsyncClient, dict[str, dict[str, str]]]:
    """Consent alone, with a staff file of this test's own; returns a client and the headers per role."""
    tokens = {role: secrets.token_urlsafe(24) for role in ROLES}
    staff = tmp_path / "staff.toml"
    staff.write_text("".join(f'[[staff]]\nid = "e2e-{role}"\nrole = "{role}"\nmunicipalities = ["{MUNICIPALITY}"]\n'
                             f'token_sha256 = "{hashlib.sha256(token.encode()).hexdigest()}"\n'
                             for role, token in tokens.items()))
    stack.overrides["consent"] = {"CONSENT_STAFF_FILE": str(staff)}
    stack.start(("consent",))
    headers = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    return httpx.AsyncClient(base_url=stack["consent"].url, timeout=30), headers


async def publish(*envelopes: Envelope[Any]) -> None:
    producer = AIOKafkaProducer(**bus.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for envelope in envelopes:
            headers = [("event_type", envelope.event_type.encode()), ("event_id", str(envelope.event_id).encode())]
            await producer.send_and_wait(envelope.payload.topic, envelope.to_bytes(),
                                         key=envelope.household_key.encode(), headers=headers)
    finally:
        await producer.stop()


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 60.0) -> Any:
    """Poll `check` until it returns something truthy; fail with the last value after `timeout`."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.3)
    raise AssertionError(f"condition not met after {timeout}s; last value: {last!r}")


async def decisions_for(*requests: Envelope[DataShareRequested]) -> dict[str, list[dict[str, Any]]]:
    """Every decision on DATA_SHARE_DECIDED per request id, oldest first, once each request has one."""
    wanted = {str(r.payload.request_id) for r in requests}

    def ours(records):
        return [e for e in bus.events(records) if e["payload"]["request_id"] in wanted]

    records = await bus.read_topic(topics.DATA_SHARE_DECIDED, timeout=60,
                                   until=lambda rs: wanted <= {e["payload"]["request_id"] for e in ours(rs)})
    found: dict[str, list[dict[str, Any]]] = {}
    for envelope in ours(records):
        found.setdefault(envelope["payload"]["request_id"], []).append(envelope)
    return found


async def register(api, headers, resident: Resident, **fields: Any) -> dict[str, Any]:
    body = {"municipality_code": MUNICIPALITY, "bsn": resident.bsn, "recipient": "schuldhulp-amstelland",
            "purpose": "referral", "data_categories": ["contact_details", "arrears"], "channel": "in_person", **fields}
    response = await api.post("/v1/consents", json=body, headers=headers["caseworker"])
    assert response.status_code == 201, response.text
    return response.json()


async def test_share_requests_are_decided_by_consent(stack, platform, tmp_path):
    api, headers = start_consent(stack, tmp_path)
    secret = KeyFolder(platform.keys_dir).municipality_secret(MUNICIPALITY)
    rng = random.Random()
    consenting, stranger, lapsed, withdrawing = (Resident(secret, rng) for _ in range(4))
    now = datetime.now(UTC)
    async with api:
        await register(api, headers, consenting)
        await register(api, headers, lapsed, given_at=(now - timedelta(days=60)).isoformat(),
                       valid_until=(now - timedelta(days=1)).isoformat())
        to_withdraw = await register(api, headers, withdrawing, data_categories=["arrears"])

        granted = consenting.asks(["arrears", "income"])
        other_purpose = consenting.asks(["arrears"], purpose="debt-collection")
        without_consent = stranger.asks(["arrears"])
        after_expiry = lapsed.asks(["arrears"])
        before_withdrawal = withdrawing.asks(["arrears"])
        await publish(granted, other_purpose, without_consent, after_expiry, before_withdrawal)
        first = await decisions_for(granted, other_purpose, without_consent, after_expiry, before_withdrawal)

        withdrawal = await api.post(f"/v1/consents/{to_withdraw['consent_id']}/withdrawal", json={"channel": "phone"},
                                    headers=headers["caseworker"])
        assert withdrawal.json()["revoked_grants"] == [str(before_withdrawal.payload.request_id)]
        after_withdrawal = withdrawing.asks(["arrears"])
        await publish(after_withdrawal)
        later = await decisions_for(after_withdrawal)

    def only(decisions):
        assert len(decisions) == 1, decisions
        return decisions[0]

    grant = only(first[str(granted.payload.request_id)])
    assert grant["event_type"] == "DataShareGranted"
    assert grant["payload"]["permitted_fields"] == ["arrears"]  # "income" was asked for, but not consented to
    assert grant["household_key"] == consenting.household_key and grant["correlation_id"] == str(granted.correlation_id)
    assert grant["causation_id"] == str(granted.event_id)
    for request, reason in [(other_purpose, "no consent"), (without_consent, "no consent"),
                            (after_expiry, "consent expired or withdrawn")]:
        denial = only(first[str(request.payload.request_id)])
        assert (denial["event_type"], denial["payload"]["reason"]) == ("DataShareDenied", reason)
    assert only(first[str(before_withdrawal.payload.request_id)])["event_type"] == "DataShareGranted"
    denial = only(later[str(after_withdrawal.payload.request_id)])
    assert (denial["event_type"], denial["payload"]["reason"]) == ("DataShareDenied", "consent expired or withdrawn")

    # The withdrawal revoked the grant nobody had used: a later denial of the same request id.
    revoked = await decisions_for(before_withdrawal)
    assert [e["event_type"] for e in revoked[str(before_withdrawal.payload.request_id)]] == [
        "DataShareGranted", "DataShareDenied"]
    assert revoked[str(before_withdrawal.payload.request_id)][-1]["payload"]["reason"] == (
        "grant revoked: consent withdrawn")

    # Nothing identifying in clear: not on the topic, not in consent's log.
    raw = b"".join(r.value for r in await bus.read_topic(topics.DATA_SHARE_DECIDED, timeout=30))
    log = stack["consent"].log_path.read_bytes()
    for resident in (consenting, stranger, lapsed, withdrawing):
        assert resident.bsn.encode() not in raw and resident.bsn.encode() not in log


async def test_erasure_is_complete_only_when_all_four_services_answered(stack, platform, tmp_path, admin_pools):
    api, headers = start_consent(stack, tmp_path)
    secret = KeyFolder(platform.keys_dir).municipality_secret(MUNICIPALITY)
    rng = random.Random()
    resident, neighbour = Resident(secret, rng), Resident(secret, rng)
    async with api:
        await register(api, headers, resident)
        share = resident.asks(["arrears"])
        await publish(share)
        await decisions_for(share)  # consent now holds a consent and a decision for the household

        async def ask_erasure(who: Resident, reason: str) -> str:
            response = await api.post("/v1/erasure-requests", headers=headers["supervisor"], json={
                "municipality_code": MUNICIPALITY, "postcode": who.postcode, "house_number": who.house_number,
                "bsn": who.bsn, "reason": reason})
            assert response.status_code == 202, response.text
            return response.json()["request_id"]

        request_id = await ask_erasure(resident, "right_to_erasure")
        unanswered_id = await ask_erasure(neighbour, "objection")

        records = await bus.read_topic(topics.ERASURE_REQUESTED, timeout=60, until=lambda rs: any(
            e["correlation_id"] == request_id for e in bus.events(rs, "ErasureRequested")))
        asked = next(e for e in bus.events(records, "ErasureRequested") if e["correlation_id"] == request_id)
        assert asked["household_key"] == resident.household_key
        assert asked["payload"] == {"request_id": request_id, "person_key": resident.person_key,
                                    "reason": "right_to_erasure"}

        async def status_of(rid: str, *, once: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
            async def check() -> dict[str, Any] | None:
                response = await api.get(f"/v1/erasure-requests/{rid}", headers=headers["auditor"])
                assert response.status_code == 200, response.text
                return response.json() if once(response.json()) else None
            return await eventually(check)

        def answered(request: dict[str, Any]) -> set[str]:
            return {s["service"] for s in request["services"] if s["status"] == "answered"}

        def answer(service: str, deleted: dict[str, int]) -> Envelope[ErasureCompleted]:
            payload = ErasureCompleted(request_id=uuid.UUID(request_id), service=service, deleted=deleted)
            return Envelope.wrap(payload, producer=service, municipality_code=MUNICIPALITY,
                                 household_key=resident.household_key, correlation_id=uuid.UUID(request_id))

        # Consent answers for itself; intake and matching answer (simulated here); outreach stays silent.
        await publish(answer("intake", {"raw_reports": 2, "signals": 2}), answer("matching", {"households": 1}))
        three = await status_of(request_id, once=lambda r: answered(r) == {"consent", "intake", "matching"})
        assert three["status"] == "pending" and three["completed_at"] is None
        assert [s["service"] for s in three["services"] if s["status"] == "pending"] == ["outreach"]
        own = next(s for s in three["services"] if s["service"] == "consent")
        assert own["deleted"]["consents"] == 1 and own["deleted"]["share_decisions"] == 1

        await publish(answer("outreach", {"cases": 1, "letters": 1}))
        done = await status_of(request_id, once=lambda r: r["status"] == "complete")
        receipts = {s["service"]: s for s in done["services"]}
        assert set(receipts) == {"intake", "matching", "outreach", "consent"}
        assert receipts["intake"]["deleted"] == {"raw_reports": 2, "signals": 2}
        assert receipts["outreach"]["deleted"] == {"cases": 1, "letters": 1}
        assert all(r["status"] == "answered" and r["answered_at"] for r in receipts.values())
        assert done["completed_at"] is not None

        # The neighbour's request: only consent answered, so it stays pending and visible as such.
        pending = await status_of(unanswered_id, once=lambda r: answered(r) == {"consent"})
        assert pending["status"] == "pending"
        listed = await api.get("/v1/erasure-requests", params={"status": "pending"}, headers=headers["supervisor"])
        assert unanswered_id in {r["request_id"] for r in listed.json()["requests"]}
        assert request_id not in {r["request_id"] for r in listed.json()["requests"]}

    # No row in consent's database mentions the erased household any more (the audit chain included).
    assert await _rows_mentioning(admin_pools["consent"], resident.household_key) == {}
    assert await _rows_mentioning(admin_pools["consent"], resident.person_key) == {}


async def _rows_mentioning(pool, text: str) -> dict[str, int]:
    """Per table of the database, how many rows hold `text` in any column (bytes read as UTF-8)."""
    found = {}
    async with pool.acquire() as conn:
        tables = [r["tablename"] for r in
                  await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            count = await conn.fetchval(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE $1', f"%{text}%")
            if count:
                found[table] = count
        in_outbox = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE convert_from(payload, 'UTF8') LIKE $1 OR key = $2", f"%{text}%",
            text.encode())
        if in_outbox:
            found["outbox (payload or key)"] = in_outbox
    return found
