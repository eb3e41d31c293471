"""Who is at the keyboard: the session cookie, the signed-in account, the part of the workplace it
may reach, and the CSRF token every form carries. Refusals are exceptions that `pages.py` turns
into a page (sign in first, no access, form expired)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.audit import Reader
from ...domain.accounts import Account
from ...handlers.dependencies import OutreachDependencies
from ...handlers.sign_in import current_session

COOKIE = "vroeg_sessie"
# The sign-in form has no session yet: its CSRF token is a double-submit cookie.
SIGN_IN_COOKIE = "vroeg_aanmelden"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class SignInNeeded(Exception):
    def __init__(self, expired: bool = False) -> None:
        super().__init__("sign in first")
        self.expired = expired


class NotAllowed(Exception):
    """Signed in, but this page is for another role."""

    def __init__(self, visitor: Visitor) -> None:
        super().__init__("not for this role")
        self.visitor = visitor  # the refusal page still shows their menu


class FormExpired(Exception):
    """A form without the session's CSRF token: not sent from this workplace, or from an old page."""


@dataclass(frozen=True)
class Visitor:
    account: Account
    csrf_token: str

    @property
    def reader(self) -> Reader:
        return Reader(self.account.username, self.account.role, self.account.municipalities)


def now() -> datetime:
    return datetime.now(UTC)


async def submitted_token(request: Request) -> str:
    form = await request.form()  # cached by Starlette: the route reads the same form
    value = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return value if isinstance(value, str) else ""


def same_token(expected: str, submitted: str) -> bool:
    return bool(expected) and secrets.compare_digest(expected.encode(), submitted.encode())


def signed_in(runtime: ServiceRuntime, deps: OutreachDependencies,
              area: str | None) -> Callable[..., Awaitable[Visitor]]:
    """A dependency for the pages of one area (None: any signed-in visitor): the visitor, once signed
    in with a role that may reach it. Every POST must carry the session's CSRF token, so no form is unprotected by oversight."""

    async def visitor(request: Request) -> Visitor:
        token = request.cookies.get(COOKIE)
        if not token:
            raise SignInNeeded()
        async with pooled_unit_of_work(runtime.db) as uow:
            session = await current_session(uow, token, policy=deps.sign_in_policy, now=now())
        if session is None:
            raise SignInNeeded(expired=True)
        visitor = Visitor(session.account, session.csrf_token)
        if area is not None and not session.account.may(area):
            raise NotAllowed(visitor)
        if request.method == "POST" and not same_token(session.csrf_token, await submitted_token(request)):
            raise FormExpired()
        return visitor

    return visitor
