"""The audit log in the real table: the service's role cannot change or delete an entry, and when
someone who can (a superuser) changes, removes or reorders one, the chain check fails."""

import os
import subprocess
import sys
import uuid

import asyncpg
import pytest

from consent.adapters.audit_log import AuditLog
from consent.domain.audit import Record

PARKED = 9_000_000_000_000_000_000  # a free position, to swap two entries through


@pytest.fixture
async def entries(consent_db) -> list[int]:
    """Three fresh entries (committed, as the service would); their positions."""
    async with consent_db.acquire() as conn, conn.transaction():
        appended = [await AuditLog(conn).record(Record("share_denied", "test", {"request_id": uuid.uuid4(), "n": n}),
                                                subjects=[f"test-subject-{uuid.uuid4()}"]) for n in range(3)]
    return [e.position for e in appended]


@pytest.fixture
async def superuser(platform):
    """A superuser connection to consent's database: it can switch triggers off, as an attacker with full rights."""
    url = os.environ["VROEG_PG_ADMIN_URL"].rsplit("/", 1)[0] + "/consent"
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def verify_after(conn: asyncpg.Connection, *tampering: str) -> str | None:
    """Tamper inside a transaction, check the chain there, then roll back: the real log stays intact."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
        for statement in tampering:
            await conn.execute(statement)
        report = await AuditLog(conn).verify()
        assert not report.intact
        return report.problem
    finally:
        await transaction.rollback()


async def test_the_services_role_cannot_change_delete_or_truncate_entries(consent_db, entries):
    for statement in (f"UPDATE audit_log SET actor = 'someone else' WHERE position = {entries[0]}",
                      f"DELETE FROM audit_log WHERE position = {entries[0]}",
                      "TRUNCATE audit_log"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await consent_db.execute(statement)


async def test_the_trigger_refuses_even_when_the_privilege_is_granted_back(superuser, entries):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await superuser.execute(f"UPDATE audit_log SET actor = 'x' WHERE position = {entries[0]}")


async def test_a_changed_entry_fails_the_check(superuser, entries):
    assert (await AuditLog(superuser).verify()).intact
    problem = await verify_after(
        superuser, f"UPDATE audit_log SET detail = jsonb_set(detail, '{{n}}', '7') WHERE position = {entries[1]}")
    assert problem == f"entry {entries[1]} was changed (its hash does not match its content)"
    assert (await AuditLog(superuser).verify()).intact  # rolled back


async def test_a_removed_entry_fails_the_check(superuser, entries):
    problem = await verify_after(superuser, f"DELETE FROM audit_log WHERE position = {entries[1]}")
    assert problem.startswith(f"entry {entries[1]} is missing")


async def test_reordered_entries_fail_the_check(superuser, entries):
    first, second = entries[0], entries[1]
    problem = await verify_after(superuser,
                                 f"UPDATE audit_log SET position = {PARKED} WHERE position = {first}",
                                 f"UPDATE audit_log SET position = {first} WHERE position = {second}",
                                 f"UPDATE audit_log SET position = {second} WHERE position = {PARKED}")
    assert problem is not None and str(first) in problem


async def test_the_verify_command_reports_an_intact_chain(platform, entries):
    result = subprocess.run([sys.executable, "-m", "consent", "audit", "verify"], capture_output=True,
                            text=True, timeout=60, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert '"intact": true' in result.stdout
