"""The scope rule: a member of staff sees and changes only the residents of the municipalities they serve.

Anything of another municipality is answered exactly as "not found", so the answer does not tell
whether it exists, and the attempt is put on the record as a refusal.
"""

from __future__ import annotations

import uuid

from .audit import Record
from .staff import StaffMember


class OutOfScope(LookupError):
    """A member of staff asked for `what` of a municipality they do not serve: a municipality named in
    the request, or the municipality of the record it addresses (`record_id`). Answered as "not found"."""

    def __init__(self, staff: StaffMember, what: str, municipality_code: str | None,
                 record_id: uuid.UUID | None = None) -> None:
        super().__init__(f"{what}: not in the scope of {staff.staff_id}")
        self.staff_id = staff.staff_id
        self.what = what
        self.municipality_code = municipality_code
        self.record_id = record_id

    def refusal(self) -> Record:
        """The audit entry: who was refused what, and for which municipality; never whom it was about."""
        detail: dict[str, object] = {"municipality_code": self.municipality_code}
        if self.record_id is not None:
            detail["record_id"] = self.record_id
        return Record(f"refused:{self.what}", self.staff_id, detail)


def in_scope(staff: StaffMember, municipality_code: str | None) -> bool:
    """Whether `staff` serves this municipality. A record whose municipality is unknown (None: stored
    before consent kept it) is in nobody's scope: when in doubt, nobody sees it."""
    return municipality_code is not None and municipality_code in staff.municipalities


def require_in_scope(staff: StaffMember, what: str, municipality_code: str | None,
                     record_id: uuid.UUID | None = None) -> None:
    """Raise OutOfScope unless `staff` serves `municipality_code`."""
    if not in_scope(staff, municipality_code):
        raise OutOfScope(staff, what, municipality_code, record_id)


def municipalities_to_list(staff: StaffMember, what: str, asked: str | None) -> frozenset[str]:
    """Which municipalities a listing shows: all the staff member serves, or the one asked for if it
    is one of them (another is refused like any other request outside their scope)."""
    if asked is None:
        return staff.municipalities
    require_in_scope(staff, what, asked)
    return frozenset({asked})
