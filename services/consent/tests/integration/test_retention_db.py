"""The retention sweep on the real tables: what expired goes, per data class; the rest stays; a
pending erasure request is never swept. Runs in a transaction that is rolled back afterwards."""

import uuid
from datetime import UTC, datetime, timedelta

from consent.domain.retention import RetentionPolicy
from consent.handlers.retention import sweep_expired
from vroeg_runtime.unit_of_work import UnitOfWork

NOW = datetime.now(UTC)
OLD, RECENT = NOW - timedelta(days=200), NOW - timedelta(days=10)


async def add_decision(conn, household: str, decided_at: datetime) -> uuid.UUID:
    request_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO share_decisions (request_id, person_key, household_key, requester, recipient, purpose,
                                        data_categories, granted, permitted, reason, decided_at)
           VALUES ($1, NULL, $2, 'outreach', 'r', 'p', '{a}', false, '{}', 'no consent', $3)""",
        request_id, household, decided_at)
    return request_id


async def add_consent(conn, *, withdrawn_at=None, valid_until=None) -> uuid.UUID:
    consent_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO consents (consent_id, person_key, recipient, purpose, data_categories, given_at, valid_until,
                                 withdrawn_at, registered_by, channel)
           VALUES ($1, $2, 'r', 'p', '{a}', $3, $4, $5, 'test', 'letter')""",
        consent_id, f"person-{consent_id}", NOW - timedelta(days=400), valid_until, withdrawn_at)
    return consent_id


async def add_erasure(conn, *, requested_at: datetime, completed_at: datetime | None) -> uuid.UUID:
    request_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO erasure_requests (request_id, municipality_code, reason, requested_by, requested_at,
                                         expected_services, completed_at)
           VALUES ($1, '0437', 'objection', 'test', $2, '{consent}', $3)""", request_id, requested_at, completed_at)
    return request_id


async def exists(conn, table: str, column: str, value: uuid.UUID) -> bool:
    return await conn.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", value) == 1


async def test_the_sweep_deletes_only_what_expired(consent_db):
    policy = RetentionPolicy.from_config({"completed_erasures": "P1Y"})
    async with consent_db.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            quiet, busy = f"household-{uuid.uuid4()}", f"household-{uuid.uuid4()}"
            quiet_old = await add_decision(conn, quiet, OLD)
            busy_old, busy_new = await add_decision(conn, busy, OLD), await add_decision(conn, busy, RECENT)
            withdrawn_long_ago = await add_consent(conn, withdrawn_at=OLD)
            expired_long_ago = await add_consent(conn, valid_until=OLD)
            withdrawn_lately = await add_consent(conn, withdrawn_at=RECENT)
            open_ended = await add_consent(conn)
            done_long_ago = await add_erasure(conn, requested_at=NOW - timedelta(days=800),
                                              completed_at=NOW - timedelta(days=700))
            pending_long_ago = await add_erasure(conn, requested_at=NOW - timedelta(days=800), completed_at=None)
            await conn.execute("INSERT INTO audit_subjects VALUES ($1, $2, $3), ($4, $5, $6)",
                               quiet, uuid.uuid4(), OLD, busy, uuid.uuid4(), OLD)

            deleted = await sweep_expired(UnitOfWork(conn), policy, NOW)

            assert deleted["share_decisions"] >= 1 and deleted["ended_consents"] >= 2
            assert deleted["completed_erasures"] >= 1 and deleted["audit_links"] >= 1
            assert not await exists(conn, "share_decisions", "request_id", quiet_old)
            # The busy household's last event is recent: none of its decisions has expired yet.
            assert await exists(conn, "share_decisions", "request_id", busy_old)
            assert await exists(conn, "share_decisions", "request_id", busy_new)
            assert not await exists(conn, "consents", "consent_id", withdrawn_long_ago)
            assert not await exists(conn, "consents", "consent_id", expired_long_ago)
            assert await exists(conn, "consents", "consent_id", withdrawn_lately)
            assert await exists(conn, "consents", "consent_id", open_ended)
            assert not await exists(conn, "erasure_requests", "request_id", done_long_ago)
            assert await exists(conn, "erasure_requests", "request_id", pending_long_ago)
            # The quiet household's audit link went with its last decision; the busy one's stays.
            links = {r["subject_key"] for r in await conn.fetch(
                "SELECT subject_key FROM audit_subjects WHERE subject_key = ANY($1::text[])", [quiet, busy])}
            assert links == {busy}
            # Only counts go on the record, never a pseudonym.
            entry = await conn.fetchrow("SELECT detail::text AS detail, subjects FROM audit_log"
                                        " WHERE kind = 'retention_swept' ORDER BY position DESC LIMIT 1")
            assert entry["subjects"] == [] and quiet not in entry["detail"]
        finally:
            await transaction.rollback()
