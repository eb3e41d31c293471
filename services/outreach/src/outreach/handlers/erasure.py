"""Erase a household when consent asks (ErasureRequested): every row of it, and the files written for
it (letter PDFs, referral packages), answered with ErasureCompleted and the counts per table and per
kind of file. The audit log is kept (ids only; adapters/deletion.py)."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.deletion import CaseFiles, erase_household
from ..config import SERVICE
from .dependencies import OutreachDependencies


async def erase(uow: UnitOfWork, envelope: Envelope[ErasureRequested], deps: OutreachDependencies) -> dict[str, int]:
    """Delete every row and file of the envelope's household and answer with the counts."""
    deletion = await erase_household(uow.conn, envelope.household_key)
    deleted = deletion.rows | await erase_files(deletion.files, deps)
    uow.emit(envelope.caused(
        ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted), producer=SERVICE))
    return deleted


async def erase_files(files: CaseFiles, deps: OutreachDependencies) -> dict[str, int]:
    """Delete the letters and referral packages of deleted cases through their channels; the counts.

    This runs inside the unit of work, after the rows are deleted and before the commit, and deleting
    a file that is gone is no error. If the unit rolls back, the rows come back without their files:
    harmless, because the same work is done again (a redelivered request, whose inbox claim rolled
    back too, or the next retention sweep) and finishes. Deleting after the commit would risk the
    worse failure: a crash in between would leave files with a resident's name and address that no
    row points to any more. The counts are the files this run deleted; a run repeated after a
    rollback counts only the files still there.
    """
    letter_files = referral_files = 0
    for municipality_code, letter_ids in sorted(files.letters.items()):
        letter_files += await deps.mailbox.erase(letter_ids, municipality_code=municipality_code)
    for municipality_code, request_ids in sorted(files.packages.items()):
        referral_files += await deps.referrals.erase(request_ids, municipality_code=municipality_code)
    return {"letter_files": letter_files, "referral_files": referral_files}
