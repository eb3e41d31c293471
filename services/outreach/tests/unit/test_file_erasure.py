"""The folder channels delete what they wrote: a letter's PDF or a referral package, counted once,
and a second deletion (erasure done again after a rollback) finds nothing and is no error."""

from __future__ import annotations

import uuid

from outreach.adapters.mail import FolderMailbox
from outreach.adapters.referrals import FolderReferrals


async def test_the_mailbox_deletes_only_the_letters_asked_for_and_is_idempotent(tmp_path):
    mailbox = FolderMailbox(tmp_path)
    erased, kept, never_sent = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for letter_id in (erased, kept):
        await mailbox.send(letter_id, b"%PDF-1.4", municipality_code="0437")
    (tmp_path / "0437" / f"{erased}.pdf.part").write_bytes(b"half")  # a send cut short earlier
    assert await mailbox.erase({erased, never_sent}, municipality_code="0437") == 1
    assert sorted(p.name for p in (tmp_path / "0437").iterdir()) == [f"{kept}.pdf"]
    assert await mailbox.erase({erased}, municipality_code="0437") == 0
    assert await mailbox.copy_of(kept, municipality_code="0437", delivered_to="") == b"%PDF-1.4"


async def test_a_municipalitys_folder_is_the_only_one_touched(tmp_path):
    mailbox = FolderMailbox(tmp_path)
    letter_id = uuid.uuid4()
    await mailbox.send(letter_id, b"%PDF", municipality_code="0362")
    assert await mailbox.erase({letter_id}, municipality_code="0437") == 0
    assert (tmp_path / "0362" / f"{letter_id}.pdf").exists()


async def test_referral_packages_are_deleted_by_request_id(tmp_path):
    referrals = FolderReferrals(tmp_path)
    erased, kept = uuid.uuid4(), uuid.uuid4()
    for request_id in (erased, kept):
        await referrals.send(request_id, {"name": "Çelik"}, municipality_code="0437")
    assert await referrals.erase([erased], municipality_code="0437") == 1
    assert await referrals.erase([erased], municipality_code="0437") == 0
    assert [p.name for p in (tmp_path / "0437").iterdir()] == [f"{kept}.json"]
