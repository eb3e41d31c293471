"""Staff authentication for the team API: a bearer token names a staff member, and every endpoint
names the roles it allows. No known token: 401. Another role: 403. The token is never logged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..adapters.audit import Reader
from ..adapters.staff import Role, Staff, StaffDirectory

bearer = HTTPBearer(auto_error=False, description="A staff token: `Authorization: Bearer <token>`.")
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def allow(directory: StaffDirectory, *roles: Role) -> Callable[..., Awaitable[Staff]]:
    """A dependency that admits staff in one of `roles` and returns who they are."""

    async def staff_member(credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> Staff:
        if credentials is None:
            raise HTTPException(401, "a staff token is required: Authorization: Bearer <token>", headers=CHALLENGE)
        staff = directory.identify(credentials.credentials)
        if staff is None:
            raise HTTPException(401, "unknown staff token", headers=CHALLENGE)
        if staff.role not in roles:
            raise HTTPException(403, f"this needs the role {' or '.join(roles)}; your role is {staff.role}")
        return staff

    return staff_member


def reader(staff: Staff) -> Reader:
    return Reader(staff.staff_id, staff.role)


def roles_note(*roles: Role) -> str:
    """The line every endpoint's description starts with, so the OpenAPI document says who may call it."""
    return f"Roles: {', '.join(roles)}."
