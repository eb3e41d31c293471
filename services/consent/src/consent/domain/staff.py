"""Staff, their roles and their municipalities: who may do what with consent's API, and for whom."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"  # registers and withdraws consents, confirms a referral was sent
    SUPERVISOR = "supervisor"  # what a caseworker does, plus erasure requests
    AUDITOR = "auditor"  # reads: consents, erasure requests, the audit trail and its check
    ADMIN = "admin"  # everything


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as the API knows them: a staff id (not a name), one role, and the municipalities
    (CBS codes) whose residents they serve; a regional supervisor or auditor serves several."""

    staff_id: str
    role: Role
    municipalities: frozenset[str]

    def may(self, allowed: frozenset[Role]) -> bool:
        return self.role in allowed


# Who may call what: every endpoint names one of these.
CHANGE_CONSENT = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN})
READ_CONSENT = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN})
REQUEST_ERASURE = frozenset({Role.SUPERVISOR, Role.ADMIN})
READ_ERASURE = frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN})
READ_AUDIT = frozenset({Role.AUDITOR, Role.ADMIN})
