"""Consent's own erasure on the real tables: a household's consents and decisions go, its audit
entries stay (chain intact) but no longer link to it, and the answer goes out through the outbox."""

import json
import uuid

from consent.adapters.audit_log import AuditLog
from consent.domain.consents import Channel
from consent.domain.staff import Role, StaffMember
from consent.handlers.consents import register_consent
from consent.handlers.erasure import erase_own_data
from consent.handlers.sharing import decide_share
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureRequested
from vroeg_runtime.unit_of_work import unit_of_work

CASEWORKER = StaffMember("test-caseworker", Role.CASEWORKER, frozenset({"0437"}))


async def test_erasure_deletes_the_households_data_and_keeps_the_chain(consent_db, person):
    async with consent_db.acquire() as conn:
        async with unit_of_work(conn) as uow:
            await register_consent(uow, municipality_code="0437", person_key=person.person_key,
                                   recipient="schuldhulp-amstelland", purpose="referral", data_categories=["arrears"],
                                   given_at=None, valid_until=None, channel=Channel.IN_PERSON, staff=CASEWORKER)
            await decide_share(uow, person.share_request(categories=["arrears"]))
            await decide_share(uow, person.share_request(categories=["income"]))
            assert len(await AuditLog(conn).entries_about(person.person_key)) == 3

        request = Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                                producer="consent", municipality_code="0437", household_key=person.household_key,
                                correlation_id=uuid.uuid4())
        async with unit_of_work(conn) as uow:
            deleted = await erase_own_data(uow, request)

        # The person key came from the household's share requests: the request itself named no person.
        assert deleted["consents"] == 1 and deleted["share_decisions"] == 2 and deleted["audit_links"] == 2
        for table, column, key in [("consents", "person_key", person.person_key),
                                   ("share_decisions", "household_key", person.household_key),
                                   ("share_decisions", "person_key", person.person_key),
                                   ("audit_subjects", "subject_key", person.person_key),
                                   ("audit_subjects", "subject_key", person.household_key)]:
            assert await conn.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", key) == 0, table
        assert await AuditLog(conn).entries_about(person.person_key) == []
        assert (await AuditLog(conn).verify()).intact

        answer = json.loads(await conn.fetchval(
            "SELECT convert_from(payload, 'UTF8') FROM outbox WHERE headers->>'event_type' = 'ErasureCompleted'"
            " AND convert_from(payload, 'UTF8')::jsonb->'payload'->>'request_id' = $1",
            str(request.payload.request_id)))
        assert answer["payload"]["service"] == "consent" and answer["payload"]["deleted"] == deleted
        assert answer["household_key"] == person.household_key and answer["causation_id"] == str(request.event_id)
