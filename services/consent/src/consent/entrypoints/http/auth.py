"""Staff authentication for the HTTP API: a bearer token maps to a member of staff, and each endpoint
names the roles it allows. No token (or an unknown one) is 401; a known token with the wrong role is 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from vroeg_runtime.staff_auth import staff_dependency

from ...adapters.staff_directory import StaffDirectory
from ...domain.staff import Role, StaffMember


def roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(roles))


def staff_guard(directory: StaffDirectory) -> Callable[[frozenset[Role]], Callable[..., Awaitable[StaffMember]]]:
    """`allow(roles)` gives a FastAPI dependency that returns the calling member of staff, or refuses."""

    def allow(roles: frozenset[Role]) -> Callable[..., Awaitable[StaffMember]]:
        return staff_dependency(directory.member, may=lambda member: member.may(roles),
                                refusal=lambda member: f"role {member.role} may not do this; allowed: {roles_text(roles)}")

    return allow
