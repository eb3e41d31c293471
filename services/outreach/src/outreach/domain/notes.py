"""Notes on a case: short, and not a place for medical details (the form says so)."""

from __future__ import annotations

from .errors import InvalidInput

MAX_NOTE_LENGTH = 1000


def check_note(text: str) -> str:
    """The note as stored; raises InvalidInput naming the field `text`, in Dutch."""
    note = text.strip()
    if not note:
        raise InvalidInput("text", "Schrijf een notitie, of laat het formulier leeg.")
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("text", f"Een notitie heeft hoogstens {MAX_NOTE_LENGTH} tekens; deze heeft er {len(note)}.")
    return note
