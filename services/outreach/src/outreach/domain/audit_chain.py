"""The audit log's hash chain: each row's hash is SHA-256 over the previous row's hash and the row's
own content, so changing or removing a row breaks the chain at that row (or the one after it).

The database writes the hashes (a trigger in migrations/0008, under one lock, so concurrent writers
still form a single chain); this module is the independent check that recomputes them. The two must
agree on `canonical`: fields are length-prefixed (`5:hello`), NULL is `~`, the time is microseconds
since 1970 in UTC, case ids are joined with commas in their stored order, and fields are separated
by `|`. Length prefixes make the form unambiguous whatever a field holds.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

GENESIS = "0" * 64  # the "previous hash" of the first row
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ChainRow:
    """One audit row as stored: its content, and the two hashes the database gave it."""

    audit_id: int
    at: datetime
    staff_id: str
    role: str
    action: str
    case_ids: Sequence[uuid.UUID]
    detail: str
    municipality_code: str | None
    prev_hash: str
    hash: str


def _field(value: str | None) -> str:
    return "~" if value is None else f"{len(value)}:{value}"


def canonical(row: ChainRow) -> str:
    """The text a row's hash covers (the same as `audit_log_canonical` in the migration)."""
    micros = (row.at - _EPOCH) // timedelta(microseconds=1)
    fields = (str(row.audit_id), str(micros), row.staff_id, row.role, row.action,
              ",".join(str(case_id) for case_id in row.case_ids), row.detail, row.municipality_code)
    return "|".join(_field(value) for value in fields)


def chain_hash(prev_hash: str, row: ChainRow) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    rows: int  # rows in the log
    first_broken: int | None  # the audit id of the first row that does not fit the chain


class ChainVerifier:
    """Checks rows one by one in audit id order, so a long log is verified without holding it whole.

    A row is broken when its stored previous hash is not the hash of the row before it (a row
    before it was removed, or the order changed), or when its own hash does not match its content
    (the row was changed). Only the first broken row is named: every later hash depends on it, so
    the rows after it are counted but not checked.
    """

    def __init__(self) -> None:
        self._prev_hash = GENESIS
        self._rows = 0
        self._first_broken: int | None = None

    def feed(self, row: ChainRow) -> None:
        self._rows += 1
        if self._first_broken is not None:
            return
        if row.prev_hash != self._prev_hash or chain_hash(row.prev_hash, row) != row.hash:
            self._first_broken = row.audit_id
        self._prev_hash = row.hash

    def report(self) -> ChainReport:
        return ChainReport(self._first_broken is None, self._rows, self._first_broken)


def verify(rows: Iterable[ChainRow]) -> ChainReport:
    verifier = ChainVerifier()
    for row in rows:
        verifier.feed(row)
    return verifier.report()
