"""Staff accounts of the workplace: who may sign in, what each role may reach, which municipalities'
cases an account may open, and the rules that end a session or lock an account.

Pure rules: the password hash, the session store and the cookie are adapters' and entrypoints'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from .errors import InvalidInput

Role = Literal["caseworker", "supervisor", "auditor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_NAMES: dict[str, str] = {"caseworker": "Medewerker vroegsignalering", "supervisor": "Teamleider",
                              "auditor": "Auditor", "admin": "Beheerder"}

# What each part of the workplace needs. Casework shows residents' contact details, so only the
# roles that contact residents have it; an auditor reads the log, not the cases.
Area = Literal["casework", "assigning", "steering", "accounts", "audit"]
AREA_ROLES: dict[str, frozenset[str]] = {
    "casework": frozenset({"caseworker", "supervisor"}),
    "assigning": frozenset({"supervisor"}),  # hand a case to a colleague
    "steering": frozenset({"supervisor", "admin"}),
    "accounts": frozenset({"supervisor", "admin"}),
    "audit": frozenset({"auditor"}),
}
# Where each role lands after signing in.
HOME_AREA: dict[str, str] = {"caseworker": "casework", "supervisor": "casework", "admin": "steering",
                             "auditor": "audit"}

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")
MIN_PASSWORD_LENGTH = 12
MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class SignInPolicy:
    """When a session ends and when repeated failures lock an account (configurable per install)."""

    idle_timeout: timedelta = timedelta(minutes=30)
    session_limit: timedelta = timedelta(hours=12)  # a session ends this long after sign-in, busy or not
    failures_before_lockout: int = 5
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    municipalities: tuple[str, ...]
    disabled: bool = False
    failed_sign_ins: int = 0
    locked_until: datetime | None = None

    def may(self, area: str) -> bool:
        return self.role in AREA_ROLES[area]

    def may_open(self, municipality_code: str) -> bool:
        """A case belongs to one municipality; an account sees only its own municipalities' cases."""
        return municipality_code in self.municipalities

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def after_failed_sign_in(account: Account, now: datetime, policy: SignInPolicy) -> tuple[int, datetime | None]:
    """The failure count and lock after one more wrong password. The count starts again once a lock
    has run out, so a locked-out colleague is not locked again by their first typo."""
    failures = 1 if account.locked_until is not None and now >= account.locked_until else account.failed_sign_ins + 1
    if failures >= policy.failures_before_lockout:
        return failures, now + policy.lockout
    return failures, None


def session_is_over(created_at: datetime, last_seen_at: datetime, now: datetime, policy: SignInPolicy) -> bool:
    return now - last_seen_at > policy.idle_timeout or now - created_at > policy.session_limit


def check_new_account(username: str, display_name: str, role: str, municipalities: tuple[str, ...],
                      password: str | None) -> None:
    """Raises InvalidInput naming the field, in Dutch: the reasons reach the supervisor's form."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput("username", "Gebruik 2 tot 63 kleine letters, cijfers, punten, streepjes of lage streepjes.")
    if not display_name.strip() or len(display_name) > 100:
        raise InvalidInput("display_name", "Vul een naam in van hoogstens 100 tekens.")
    if role not in ROLES:
        raise InvalidInput("role", "Kies een rol.")
    if not municipalities or not all(MUNICIPALITY_CODE.fullmatch(code) for code in municipalities):
        raise InvalidInput("municipalities", "Vul een of meer gemeentecodes van 4 cijfers in, zoals 0437.")
    if password is not None:
        check_password(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
    if len(password) > 256:
        raise InvalidInput("password", "Een wachtwoord heeft hoogstens 256 tekens.")
