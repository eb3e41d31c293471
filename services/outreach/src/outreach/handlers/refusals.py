"""A reader was refused another municipality's data: they were told "not found", and it is written
down here, in a unit of its own (the refused unit rolled back), so an auditor can see who tried."""

from __future__ import annotations

import uuid

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..domain.errors import CaseOutOfScope, MunicipalityOutOfScope

log = structlog.get_logger()

Refused = CaseOutOfScope | MunicipalityOutOfScope


async def record_refusal(uow: UnitOfWork, reader: audit.Reader, refused: Refused, what: str) -> None:
    """`what` names what was asked for (a route or a page), never a resident's data."""
    if isinstance(refused, CaseOutOfScope):
        await audit.record(uow.conn, reader, "refused:case", [uuid.UUID(refused.case_id)], what)
    else:
        await audit.record(uow.conn, reader, "refused:municipality", (), f"{what} {refused.municipality_code}",
                           municipality_code=refused.municipality_code)
    log.warning("refused_out_of_scope", staff_id=reader.staff_id, role=reader.role, what=what,
                refused=type(refused).__name__)
