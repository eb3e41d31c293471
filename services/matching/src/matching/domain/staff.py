"""Staff who may read matching's decision log: their roles, the municipalities they serve, and who
may read what. The staff file itself is read by `adapters/staff_directory.py`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    CASEWORKER = "caseworker"  # the outreach team: why did this household get a letter?
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


# Who may read a household's decision history. One table, so a new role starts with no access.
READS_DECISIONS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR})


MunicipalityCode = Annotated[str, Field(pattern=r"^\d{4}$")]


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    role: Role
    municipalities: frozenset[MunicipalityCode] = Field(min_length=1)  # whose households this member may see
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    def may_read_decisions_of(self, municipality_code: str) -> bool:
        return self.role in READS_DECISIONS and municipality_code in self.municipalities
