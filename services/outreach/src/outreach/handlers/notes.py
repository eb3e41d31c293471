"""A short note on a case, for the colleague who picks it up next. The form warns against medical
details; the note is deleted with the case."""

from __future__ import annotations

import uuid

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.repository import CaseRepository
from ..domain.case import require_in_scope
from ..domain.notes import check_note


async def add_note(uow: UnitOfWork, case_id: uuid.UUID, text: str, *, reader: audit.Reader) -> uuid.UUID:
    """Raises CaseNotFound, or InvalidInput naming the field `text`."""
    cases = CaseRepository(uow.conn)
    require_in_scope(await cases.case_for_update(case_id), case_id, reader.municipalities)
    note = check_note(text)
    note_id = uuid.uuid4()
    await cases.add_note(note_id, case_id, note, reader.staff_id)
    await cases.add_timeline(case_id, "note", {"by": reader.staff_id})
    await audit.record(uow.conn, reader, "write:note", [case_id])
    return note_id
