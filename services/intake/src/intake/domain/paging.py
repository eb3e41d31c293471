"""Paging a partner's answers newest first: the opaque cursor that says where the last page ended."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar


class BadCursor(ValueError):
    """A cursor this service did not hand out (or one from another list)."""


@dataclass(frozen=True, order=True)
class Position:
    """An item's place in a newest-first list: its time, then its id to break ties."""

    at: datetime
    id: uuid.UUID

    def cursor(self, listing: str) -> str:
        text = json.dumps({"l": listing, "at": self.at.isoformat(), "id": str(self.id)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def of_cursor(cls, cursor: str, listing: str) -> Position:
        """The position a cursor of `listing` stands for; BadCursor for anything else."""
        try:
            fields = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if fields["l"] != listing:
                raise BadCursor("the cursor belongs to another list")
            at = datetime.fromisoformat(fields["at"])
            if at.tzinfo is None:
                raise BadCursor("not a cursor of this list")
            return cls(at, uuid.UUID(fields["id"]))
        except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            if isinstance(error, BadCursor):
                raise
            raise BadCursor("not a cursor of this list") from error


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # None on the last page
