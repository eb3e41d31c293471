"""The staff directory: staff ids, roles and the SHA-256 of each bearer token, from a TOML file.

Tokens are long random strings, so a plain SHA-256 is enough to keep them out of the file; the
token itself is never stored, logged or compared other than in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tomllib
from pathlib import Path

from ..domain.staff import Role, StaffMember

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class StaffDirectoryError(ValueError):
    pass


class StaffDirectory:
    def __init__(self, members: dict[str, StaffMember]) -> None:
        self._by_hash = members

    @classmethod
    def load(cls, path: Path) -> StaffDirectory:
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise StaffDirectoryError(f"{path}: cannot be read ({error})") from None
        members: dict[str, StaffMember] = {}
        for index, entry in enumerate(data.get("staff", [])):
            where = f"{path}: staff[{index}]"
            staff_id, role, token_hash = entry.get("id"), entry.get("role"), entry.get("token_sha256", "")
            if not isinstance(staff_id, str) or not staff_id:
                raise StaffDirectoryError(f"{where}.id: required")
            if role not in set(Role):
                raise StaffDirectoryError(f"{where}.role: must be one of {', '.join(Role)}")
            if not isinstance(token_hash, str) or not _SHA256.match(token_hash):
                raise StaffDirectoryError(f"{where}.token_sha256: must be 64 lower-case hex digits")
            if token_hash in members:
                raise StaffDirectoryError(f"{where}.token_sha256: shared with another member of staff")
            members[token_hash] = StaffMember(staff_id, Role(role))
        return cls(members)

    def member(self, token: str) -> StaffMember | None:
        """The member of staff this bearer token belongs to, or None."""
        offered = hashlib.sha256(token.encode()).hexdigest()
        found = None
        for token_hash, member in self._by_hash.items():
            # Compare against every entry, so the time taken says nothing about which one matched.
            if hmac.compare_digest(offered, token_hash):
                found = member
        return found


def token_hash(token: str) -> str:
    """What goes in the staff file for a token."""
    return hashlib.sha256(token.encode()).hexdigest()
