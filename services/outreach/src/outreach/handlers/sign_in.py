"""Signing in to the workplace with a password, the session that follows, and signing out.

The browser holds a random session token in a cookie; the database holds only its SHA-256, with the
session's CSRF token. A session ends after the idle timeout or the session limit; repeated wrong
passwords lock the account for a while (`domain.accounts`).

argon2id is slow on purpose (tens of milliseconds of CPU): the checks run in a thread, so the
service's other requests do not wait behind a sign-in (argon2-cffi releases the GIL)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.accounts import AccountRepository, SessionRepository, StoredSession
from ..adapters.passwords import Passwords
from ..domain.accounts import Account, SignInPolicy, after_failed_sign_in, session_is_over

Refusal = Literal["wrong", "locked"]


@dataclass(frozen=True)
class SignInResult:
    account: Account | None = None
    session_token: str | None = None  # for the cookie; never stored
    refusal: Refusal | None = None


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(uow: UnitOfWork, account: Account, *, signed_in_by: str) -> str:
    """A new session for an account that proved who it is (by password here; by an identity
    provider later, see ADR 0011). Returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    await SessionRepository(uow.conn).add(session_hash(token), account.username, secrets.token_urlsafe(32),
                                          signed_in_by)
    await audit.record(uow.conn, audit.Reader(account.username, account.role), "sign-in", detail=signed_in_by)
    return token


async def sign_in(uow: UnitOfWork, username: str, password: str, *, passwords: Passwords, policy: SignInPolicy,
                  now: datetime) -> SignInResult:
    """Check the password. A refusal is returned, not raised, so the failure count is committed."""
    accounts = AccountRepository(uow.conn)
    found = await accounts.for_sign_in(username.strip().lower())
    if found is None or found[0].disabled:
        # As slow as a real check: the answer does not tell who exists.
        await asyncio.to_thread(passwords.verify, None, password)
        return SignInResult(refusal="wrong")
    account, password_hash = found
    if account.is_locked(now):
        return SignInResult(refusal="locked")
    if not await asyncio.to_thread(passwords.verify, password_hash, password):
        failures, locked_until = after_failed_sign_in(account, now, policy)
        await accounts.record_failure(account.username, failures, locked_until)
        await audit.record(uow.conn, audit.Reader(account.username, account.role), "sign-in:refused",
                           detail=f"wrong password ({failures} in a row){', locked' if locked_until else ''}")
        return SignInResult(refusal="locked" if locked_until else "wrong")
    assert password_hash is not None
    rehashed = await asyncio.to_thread(passwords.hash, password) if passwords.needs_rehash(password_hash) else None
    await accounts.record_success(account.username, rehashed)
    return SignInResult(account=account, session_token=await start_session(uow, account, signed_in_by="password"))


async def current_session(uow: UnitOfWork, token: str, *, policy: SignInPolicy, now: datetime) -> StoredSession | None:
    """The live session of a cookie's token, marked as seen now; None when there is none or it is over."""
    sessions = SessionRepository(uow.conn)
    digest = session_hash(token)
    session = await sessions.get(digest)
    if session is None:
        return None
    if session_is_over(session.created_at, session.last_seen_at, now, policy):
        await sessions.end(digest, now)
        return None
    await sessions.touch(digest, now)
    return session


async def sign_out(uow: UnitOfWork, token: str, *, now: datetime) -> None:
    await SessionRepository(uow.conn).end(session_hash(token), now)
