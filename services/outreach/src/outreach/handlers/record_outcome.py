"""A caseworker records the case's outcome (EnumEindresultaat) and so closes it. A referral, allowed
only with an outcome that hands the resident on, first asks consent (`sharing.py`). The write is
audited."""

from __future__ import annotations

import uuid

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.repository import CaseRepository
from ..domain.case import require_open
from ..domain.referral import Referral, check_referral
from .close_case import close_case
from .sharing import request_share


async def record_outcome(uow: UnitOfWork, case_id: uuid.UUID, outcome: str, *, reader: audit.Reader,
                         referral: Referral | None = None) -> uuid.UUID | None:
    """Close the case (CaseClosed) and ask consent for the referral, if any (DataShareRequested);
    returns the referral's request id. Raises CaseNotFound, CaseAlreadyClosed or InvalidInput."""
    check_referral(outcome, referral)
    case = require_open(await CaseRepository(uow.conn).case_for_update(case_id), case_id, reader.municipalities)
    await close_case(uow, case, outcome=outcome, closed_by=reader.staff_id)
    if referral is not None:
        await request_share(uow, case, referral, requested_by=reader.staff_id)
    await audit.record(uow.conn, reader, "write:outcome", [case_id], outcome)
    return referral.request_id if referral is not None else None
