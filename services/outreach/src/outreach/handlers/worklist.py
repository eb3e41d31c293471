"""The team's worklist of a day: the calls and visits due (and left over from before), by DDAS day
part, crises first, with the contact details to make them; only the reader's municipalities' cases.
The read is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from vroeg_contracts.privacy import ContactDetails
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.reads import Reads
from ..domain.worklist import Worklist, arrange


@dataclass(frozen=True)
class DayWorklist:
    day: date
    worklist: Worklist
    contacts: dict[uuid.UUID, ContactDetails]  # by case id


async def worklist(uow: UnitOfWork, day: date, *, reader: audit.Reader) -> DayWorklist:
    reads = Reads(uow.conn)
    arranged = arrange(await reads.work_entries(day, reader.municipalities), day)
    contacts = await reads.contacts(arranged.case_ids())
    await audit.record(uow.conn, reader, "read:worklist", sorted(set(arranged.case_ids())), day.isoformat())
    return DayWorklist(day, arranged, contacts)
