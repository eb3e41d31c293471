"""The team reads cases: the case list (without contact details), a case page (contact details
only for the roles that contact residents), a resident's contact details on their own, and a
letter as it was sent. Every read is audited; a reader sees only their municipalities' cases."""

from __future__ import annotations

import uuid
from typing import Any

from vroeg_contracts.privacy import ContactDetails
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.mail import Mailbox
from ..adapters.reads import Reads
from ..domain.attempts import Attempt, unreached_attempts
from ..domain.case import require_municipality
from ..domain.errors import CaseNotFound

CONTACT_ROLES = ("caseworker", "supervisor")  # who may see a resident's contact details


async def case_list(uow: UnitOfWork, *, status: str | None, limit: int, offset: int,
                    reader: audit.Reader) -> list[dict[str, Any]]:
    """Cases, newest first."""
    rows = await Reads(uow.conn).case_list(status=status, limit=limit, offset=offset,
                                           municipalities=reader.municipalities)
    await audit.record(uow.conn, reader, "read:cases", [r["case_id"] for r in rows])
    return rows


async def case_page(uow: UnitOfWork, case_id: uuid.UUID, *, reader: audit.Reader,
                    with_contact: bool = True) -> dict[str, Any] | None:
    """The case (`case`), its `contact` (None for a reader who may not see it, or when not asked
    for), the number of unreached attempts, and its signals, letters, attempts, plan, work,
    referrals, notes and timeline. None when there is no such case; raises CaseOutOfScope for
    another municipality's."""
    page = await Reads(uow.conn).case_page(case_id)
    if page is None:
        return None
    require_municipality(case_id, page["case"]["municipality_code"], reader.municipalities)
    shows_contact = with_contact and reader.role in CONTACT_ROLES
    await audit.record(uow.conn, reader, "read:case", [case_id],
                       "with contact details" if shows_contact else "without contact details")
    attempts = [Attempt(a["kind"], a["reached"]) for a in page["attempts"]]
    return {**page, "contact": page["contact"] if shows_contact else None,
            "unreached_attempts": unreached_attempts(attempts)}


async def contact_details(uow: UnitOfWork, case_id: uuid.UUID, *, reader: audit.Reader) -> ContactDetails:
    """A resident's contact details, shown on request: an audited read of its own. Raises
    CaseNotFound for an unknown case, another municipality's, or a reader who may not see them."""
    reads = Reads(uow.conn)
    municipality = require_municipality(case_id, await reads.municipality_of(case_id), reader.municipalities)
    if reader.role not in CONTACT_ROLES:
        raise CaseNotFound(str(case_id))
    contact = (await reads.contacts([case_id]))[case_id]
    await audit.record(uow.conn, reader, "read:contact", [case_id])
    return contact


async def letter_pdf(uow: UnitOfWork, case_id: uuid.UUID, letter_id: uuid.UUID, *, reader: audit.Reader,
                     mailbox: Mailbox) -> bytes:
    """A letter as it was sent (it holds the resident's name and address: an audited read)."""
    reads = Reads(uow.conn)
    municipality = require_municipality(case_id, await reads.municipality_of(case_id), reader.municipalities)
    letter = await reads.letter(case_id, letter_id)
    if letter is None or reader.role not in CONTACT_ROLES:
        raise CaseNotFound(str(case_id))
    pdf = await mailbox.copy_of(letter_id, municipality_code=municipality, delivered_to=letter["delivered_to"])
    if pdf is None:
        raise CaseNotFound(f"{case_id}: letter {letter_id} is no longer in the mailbox")
    await audit.record(uow.conn, reader, "read:letter", [case_id], str(letter_id))
    return pdf
