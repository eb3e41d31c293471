"""Mail channels for letters. Sending is idempotent by letter id, because the schedule may retry a
letter whose sending was interrupted before it was recorded. Erasing a channel's copies is
idempotent too, so an erasure that is done again (after a rollback) simply finishes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Protocol

import httpx


class Mailbox(Protocol):
    async def send(self, letter_id: uuid.UUID, pdf: bytes, *, municipality_code: str) -> str:
        """Deliver a letter; return a reference to where it went."""

    async def copy_of(self, letter_id: uuid.UUID, *, municipality_code: str, delivered_to: str) -> bytes | None:
        """The letter as it was sent, for the case page; None when the channel keeps no copy."""

    async def erase(self, letter_ids: Collection[uuid.UUID], *, municipality_code: str) -> int:
        """Delete the channel's copies of these letters (ids it never saw are no error); how many it deleted."""


def letter_id_of(task_id: uuid.UUID) -> uuid.UUID:
    """A letter's id, derived from the schedule row that sends it: a send interrupted before it was
    recorded is repeated under the same id, and erasure finds a file even without a letter row."""
    return uuid.uuid5(task_id, "letter")


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file so that a crash never leaves half of it: write aside, then rename. The folder is
    made when it is missing. Plain os calls: pathlib's cost more than writing a letter (issue 23)."""
    temporary = f"{target}.part"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        remaining = memoryview(data)
        while remaining:
            remaining = remaining[os.write(descriptor, remaining):]
    finally:
        os.close(descriptor)
    os.replace(temporary, target)


def remove_file(target: Path) -> bool:
    """Delete a file `write_atomically` wrote, and any half-written copy beside it. True when the file
    was there; a file already gone is no error (erasure may run twice)."""
    target.with_name(target.name + ".part").unlink(missing_ok=True)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    return True


class FolderMailbox:
    """The default: letters land as PDF files in a folder (for printing by hand, or inspection)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, letter_id: uuid.UUID, pdf: bytes, *, municipality_code: str) -> str:
        target = self.folder / municipality_code / f"{letter_id}.pdf"
        # On the loop: a write of some 40 KB to the page cache is cheaper than a hop to a thread and back
        # while the loop is busy (issue 23).
        write_atomically(target, pdf)
        return str(target)

    async def copy_of(self, letter_id: uuid.UUID, *, municipality_code: str, delivered_to: str) -> bytes | None:
        # Read from where this folder puts it, never from the stored reference as a path.
        target = self.folder / municipality_code / f"{letter_id}.pdf"
        return target.read_bytes() if target.is_file() else None

    async def erase(self, letter_ids: Collection[uuid.UUID], *, municipality_code: str) -> int:
        return sum(remove_file(self.folder / municipality_code / f"{letter_id}.pdf") for letter_id in letter_ids)


class PrintHouseMailbox:
    """How a print-and-mail house (or a digital mailbox such as MijnOverheid Berichtenbox) plugs in:
    an HTTP API that takes the PDF and an idempotency key, so a retried send is not printed twice."""

    def __init__(self, base_url: str, api_key: str, client: httpx.AsyncClient | None = None) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._client = client or httpx.AsyncClient(timeout=30)

    async def send(self, letter_id: uuid.UUID, pdf: bytes, *, municipality_code: str) -> str:
        response = await self._client.post(
            f"{self._base_url}/letters",
            headers={"Authorization": f"Bearer {self._api_key}", "Idempotency-Key": str(letter_id)},
            files={"letter": (f"{letter_id}.pdf", pdf, "application/pdf")},
            data={"sender": municipality_code},
        )
        response.raise_for_status()
        return str(response.json().get("tracking_id", letter_id))

    async def copy_of(self, letter_id: uuid.UUID, *, municipality_code: str, delivered_to: str) -> bytes | None:
        response = await self._client.get(f"{self._base_url}/letters/{letter_id}",
                                          headers={"Authorization": f"Bearer {self._api_key}"})
        return response.content if response.status_code == 200 else None

    async def erase(self, letter_ids: Collection[uuid.UUID], *, municipality_code: str) -> int:
        # Nothing of ours to delete: the letter left as paper; the print house keeps its copy only as
        # long as its processing agreement with the municipality allows.
        return 0
