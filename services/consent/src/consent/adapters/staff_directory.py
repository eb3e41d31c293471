"""The staff directory: staff ids, roles, municipalities and the SHA-256 of each bearer token, from a TOML file.
The token mechanism (digests, constant-time lookup) is the runtime's (`vroeg_runtime.staff_auth`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from vroeg_runtime.staff_auth import TokenDirectory, is_token_sha256, token_sha256

from ..domain.staff import Role, StaffMember

_MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")  # a CBS code, such as "0437"


class StaffDirectoryError(ValueError):
    pass


class StaffDirectory:
    def __init__(self, members: dict[str, StaffMember]) -> None:
        self._tokens = TokenDirectory(members)

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
            if not is_token_sha256(token_hash):
                raise StaffDirectoryError(f"{where}.token_sha256: must be 64 lower-case hex digits")
            if token_hash in members:
                raise StaffDirectoryError(f"{where}.token_sha256: shared with another member of staff")
            members[token_hash] = StaffMember(staff_id, Role(role), _municipalities(entry.get("municipalities"), where))
        return cls(members)

    def member(self, token: str) -> StaffMember | None:
        """The member of staff this bearer token belongs to, or None."""
        return self._tokens.identify(token)


def _municipalities(codes: object, where: str) -> frozenset[str]:
    """The CBS codes of an entry: required, and never empty, so nobody is given every municipality by omission."""
    if not isinstance(codes, list) or not codes:
        raise StaffDirectoryError(f'{where}.municipalities: required, a list of CBS codes such as ["0437"]')
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not _MUNICIPALITY_CODE.fullmatch(code):
            raise StaffDirectoryError(f'{where}.municipalities[{index}]: must be a CBS code of 4 digits ("0437")')
    return frozenset(codes)


token_hash = token_sha256  # what goes in the staff file for a token
