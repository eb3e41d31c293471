"""Staff authentication for the HTTP API: a bearer token maps to a member of staff, and each endpoint
names the roles it allows. No token (or an unknown one) is 401; a known token with the wrong role is 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..adapters.staff_directory import StaffDirectory
from ..domain.staff import Role, StaffMember

bearer = HTTPBearer(auto_error=False, description="A staff token from consent's staff file")


def roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(roles))


def staff_guard(directory: StaffDirectory) -> Callable[[frozenset[Role]], Callable[..., Awaitable[StaffMember]]]:
    """`allow(roles)` gives a FastAPI dependency that returns the calling member of staff, or refuses."""

    def allow(roles: frozenset[Role]) -> Callable[..., Awaitable[StaffMember]]:
        async def caller(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> StaffMember:
            member = directory.member(credentials.credentials) if credentials else None
            if member is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid staff bearer token is required",
                                    headers={"WWW-Authenticate": "Bearer"})
            if not member.may(roles):
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    f"role {member.role} may not do this; allowed: {roles_text(roles)}")
            return member

        return caller

    return allow
