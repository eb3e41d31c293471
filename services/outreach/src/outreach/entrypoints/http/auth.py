"""Staff authentication for the team API: a bearer token names a staff member, and every endpoint
names the roles it allows. No known token: 401. Another role: 403. The token is never logged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from vroeg_runtime.staff_auth import staff_dependency

from ...adapters.audit import Reader
from ...adapters.staff_directory import Role, Staff, StaffDirectory


def allow(directory: StaffDirectory, *roles: Role) -> Callable[..., Awaitable[Staff]]:
    """A dependency that admits staff in one of `roles` and returns who they are."""
    return staff_dependency(directory.identify, may=lambda staff: staff.role in roles,
                            refusal=lambda staff: f"this needs the role {' or '.join(roles)}; your role is {staff.role}")


def reader(staff: Staff) -> Reader:
    return Reader(staff.staff_id, staff.role, staff.municipalities)


def roles_note(*roles: Role) -> str:
    """The line every endpoint's description starts with, so the OpenAPI document says who may call it."""
    return f"Roles: {', '.join(roles)}."
