"""Staff bearer tokens for the services' team APIs.

Each service keeps its own staff file, because who may do what differs per service; the mechanism is
one. A token is never stored, only its SHA-256 (tokens are long random strings, so a plain digest is
enough). A presented token is compared with every stored digest in constant time, so the time taken
says nothing about which one matched. No token or an unknown one is 401, a known one without the
right role 403, and the token never reaches a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, TypeVar

from fastapi import HTTPException, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

Member = TypeVar("Member")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

bearer = HTTPBearer(auto_error=False, description="A staff token: `Authorization: Bearer <token>`.")


def token_sha256(token: str) -> str:
    """What a staff file holds for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_token_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.match(value))


class TokenDirectory(Generic[Member]):
    """Members of staff by the SHA-256 of their token."""

    def __init__(self, by_digest: Mapping[str, Member]) -> None:
        self._by_digest = dict(by_digest)

    def identify(self, token: str) -> Member | None:
        """The member this token belongs to, or None. Every entry is compared, in constant time."""
        offered = token_sha256(token)
        found = None
        for digest, member in self._by_digest.items():
            if hmac.compare_digest(offered, digest):
                found = member
        return found


def staff_dependency(identify: Callable[[str], Member | None], *, may: Callable[[Member], bool] | None = None,
                     refusal: Callable[[Member], str] = lambda _: "not allowed") -> Callable[..., Awaitable[Member]]:
    """A FastAPI dependency that returns the calling member of staff: 401 without a known token, 403
    (with `refusal(member)` as the reason) when `may(member)` says no."""

    async def caller(credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> Member:
        member = identify(credentials.credentials) if credentials else None
        if member is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid staff bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        if may is not None and not may(member):
            raise HTTPException(status.HTTP_403_FORBIDDEN, refusal(member))
        return member

    return caller
