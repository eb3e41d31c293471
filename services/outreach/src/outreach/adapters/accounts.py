"""Staff accounts and their browser sessions, in outreach's database (migration 0006)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ..domain.accounts import Account


def _account(row: asyncpg.Record | dict[str, Any]) -> Account:
    return Account(row["username"], row["display_name"], row["role"], tuple(row["municipalities"]),
                   row["disabled_at"] is not None, row["failed_sign_ins"], row["locked_until"])


@dataclass(frozen=True)
class StoredSession:
    account: Account
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


class AccountRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, account: Account, *, password_hash: str | None, created_by: str) -> bool:
        """False when the username is taken."""
        status = await self.conn.execute(
            """INSERT INTO staff_accounts (username, display_name, role, municipalities, password_hash, created_by)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING""",
            account.username, account.display_name, account.role, list(account.municipalities), password_hash,
            created_by)
        return status.endswith(" 1")

    async def for_sign_in(self, username: str) -> tuple[Account, str | None] | None:
        """The account and its password hash, locked for the sign-in's update."""
        row = await self.conn.fetchrow("SELECT * FROM staff_accounts WHERE username = $1 FOR UPDATE", username)
        return (_account(row), row["password_hash"]) if row else None

    async def get(self, username: str) -> Account | None:
        row = await self.conn.fetchrow("SELECT * FROM staff_accounts WHERE username = $1", username)
        return _account(row) if row else None

    async def all(self) -> list[tuple[Account, datetime, str]]:
        rows = await self.conn.fetch("SELECT * FROM staff_accounts ORDER BY disabled_at IS NOT NULL, username")
        return [(_account(r), r["created_at"], r["created_by"]) for r in rows]

    async def caseworkers(self, municipality_code: str) -> list[Account]:
        """Active accounts that can take a case of this municipality."""
        rows = await self.conn.fetch(
            """SELECT * FROM staff_accounts WHERE disabled_at IS NULL AND role IN ('caseworker', 'supervisor')
                 AND $1 = ANY(municipalities) ORDER BY display_name""", municipality_code)
        return [_account(r) for r in rows]

    async def record_failure(self, username: str, failures: int, locked_until: datetime | None) -> None:
        await self.conn.execute("UPDATE staff_accounts SET failed_sign_ins = $2, locked_until = $3 WHERE username = $1",
                                username, failures, locked_until)

    async def record_success(self, username: str, new_hash: str | None) -> None:
        await self.conn.execute(
            """UPDATE staff_accounts SET failed_sign_ins = 0, locked_until = NULL,
                      password_hash = coalesce($2, password_hash) WHERE username = $1""", username, new_hash)

    async def set_disabled(self, username: str, disabled: bool) -> bool:
        status = await self.conn.execute(
            """UPDATE staff_accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
                      failed_sign_ins = 0, locked_until = NULL WHERE username = $1""", username, disabled)
        return status.endswith(" 1")

    async def set_password(self, username: str, password_hash: str) -> bool:
        status = await self.conn.execute(
            """UPDATE staff_accounts SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL
               WHERE username = $1""", username, password_hash)
        return status.endswith(" 1")


class SessionRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, session_hash: str, username: str, csrf_token: str, signed_in_by: str = "password") -> None:
        await self.conn.execute(
            "INSERT INTO web_sessions (session_hash, username, csrf_token, signed_in_by) VALUES ($1, $2, $3, $4)",
            session_hash, username, csrf_token, signed_in_by)

    async def get(self, session_hash: str) -> StoredSession | None:
        """A live session of an enabled account, or None."""
        row = await self.conn.fetchrow(
            """SELECT a.*, s.csrf_token, s.created_at AS session_created, s.last_seen_at
               FROM web_sessions s JOIN staff_accounts a USING (username)
               WHERE s.session_hash = $1 AND s.ended_at IS NULL AND a.disabled_at IS NULL""", session_hash)
        if row is None:
            return None
        return StoredSession(_account(row), row["csrf_token"], row["session_created"], row["last_seen_at"])

    async def touch(self, session_hash: str, now: datetime) -> None:
        await self.conn.execute("UPDATE web_sessions SET last_seen_at = $2 WHERE session_hash = $1", session_hash, now)

    async def end(self, session_hash: str, now: datetime) -> None:
        await self.conn.execute("UPDATE web_sessions SET ended_at = $2 WHERE session_hash = $1 AND ended_at IS NULL",
                                session_hash, now)

    async def end_all_of(self, username: str, now: datetime) -> None:
        await self.conn.execute("UPDATE web_sessions SET ended_at = $2 WHERE username = $1 AND ended_at IS NULL",
                                username, now)
