"""The staff directory: tokens (kept only as SHA-256 hashes), staff ids, roles and the municipalities
each member serves, from a TOML file. The token mechanism (digests, constant-time lookup) is the
runtime's (`vroeg_runtime.staff_auth`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from vroeg_runtime.staff_auth import TokenDirectory, is_token_sha256, token_sha256

Role = Literal["caseworker", "supervisor", "auditor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)


@dataclass(frozen=True)
class Staff:
    staff_id: str
    role: Role
    municipalities: tuple[str, ...]  # CBS codes: the member sees these municipalities' cases only


token_hash = token_sha256  # what goes in the staff file for a token


class StaffDirectory:
    def __init__(self, members: dict[str, Staff]) -> None:
        self._tokens = TokenDirectory(members)  # hex SHA-256 of the token -> staff member

    @classmethod
    def load(cls, path: Path) -> StaffDirectory:
        """Read `[[staff]]` entries (staff_id, role, municipalities, token_sha256); a bad entry stops the start-up."""
        entries = tomllib.loads(path.read_text()).get("staff", [])
        members: dict[str, Staff] = {}
        for index, entry in enumerate(entries):
            where = f"{path}: staff[{index}]"
            staff_id, role, digest = entry.get("staff_id"), entry.get("role"), str(entry.get("token_sha256", "")).lower()
            if not staff_id:
                raise ValueError(f"{where}.staff_id: missing")
            if role not in ROLES:
                raise ValueError(f"{where}.role: must be one of {', '.join(ROLES)}, not {role!r}")
            municipalities = entry.get("municipalities")
            if (not isinstance(municipalities, list) or not municipalities
                    or not all(isinstance(code, str) and re.fullmatch(r"\d{4}", code) for code in municipalities)):
                raise ValueError(f"{where}.municipalities: must be a list of one or more CBS codes (four digits),"
                                 f" such as [\"0437\"]; not {municipalities!r}")
            if not is_token_sha256(digest):
                raise ValueError(f"{where}.token_sha256: must be 64 hex digits (the SHA-256 of the token)")
            if digest in members:
                raise ValueError(f"{where}.token_sha256: the same token is given twice")
            members[digest] = Staff(staff_id, role, tuple(municipalities))
        return cls(members)

    def identify(self, token: str) -> Staff | None:
        """The staff member a token belongs to, or None. Compares in constant time."""
        return self._tokens.identify(token)
