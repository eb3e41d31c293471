"""The staff directory: the staff file (`MATCHING_STAFF_FILE`) read and validated at start-up, and
the members looked up by bearer token.

Tokens are stored only as SHA-256 digests and checked in constant time, by the runtime's
`vroeg_runtime.staff_auth`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vroeg_runtime.staff_auth import TokenDirectory

from ..domain.staff import StaffMember


class StaffFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    staff: list[StaffMember] = Field(min_length=1)


class StaffError(ValueError):
    pass


class Staff:
    def __init__(self, members: list[StaffMember]) -> None:
        self._tokens = TokenDirectory({member.token_sha256: member for member in members})

    def authenticate(self, token: str) -> StaffMember | None:
        """The member whose token this is, or None. Every member is compared, in constant time."""
        return self._tokens.identify(token)


def load_staff(path: Path) -> Staff:
    try:
        parsed = StaffFile.model_validate(tomllib.loads(path.read_text()))
    except FileNotFoundError:
        raise StaffError(f"{path}: no such staff file") from None
    except tomllib.TOMLDecodeError as error:
        raise StaffError(f"{path}: not valid TOML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_input=False))
        raise StaffError(f"{path}: {problems}") from None
    ids = [m.id for m in parsed.staff]
    if len(ids) != len(set(ids)):
        raise StaffError(f"{path}: staff.id: every member needs an id of their own")
    return Staff(parsed.staff)
