"""The audit chain: each entry's hash is SHA-256 over the previous hash and the entry's canonical JSON,
so changing, removing or reordering any entry breaks every hash after it."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry


@dataclass(frozen=True)
class AuditEntry:
    """One entry. `subjects` are audit references (random ids), never pseudonyms or personal data."""

    position: int
    entry_id: uuid.UUID
    recorded_at: datetime
    kind: str
    actor: str
    subjects: tuple[uuid.UUID, ...]
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str

    def canonical_json(self) -> str:
        return canonical_json(self.position, self.entry_id, self.recorded_at, self.kind, self.actor,
                              self.subjects, self.detail)


def canonical_json(position: int, entry_id: uuid.UUID, recorded_at: datetime, kind: str, actor: str,
                   subjects: Iterable[uuid.UUID], detail: Mapping[str, Any]) -> str:
    """The bytes an entry's hash covers: sorted keys, no spaces, UTC time, subjects sorted."""
    body = {
        "position": position,
        "entry_id": str(entry_id),
        "recorded_at": recorded_at.astimezone(UTC).isoformat(),
        "kind": kind,
        "actor": actor,
        "subjects": sorted(str(s) for s in subjects),
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def json_safe(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail as the database will give it back (JSON types only), so the hash survives storage."""
    return json.loads(json.dumps(detail, default=str, ensure_ascii=False))


@dataclass(frozen=True)
class Record:
    """Something to put on the record: what happened, who did it, about whom, and the facts (no personal data)."""

    kind: str
    actor: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def chained(self, previous: AuditEntry | None, *, subjects: Iterable[uuid.UUID], entry_id: uuid.UUID,
                recorded_at: datetime) -> AuditEntry:
        """This record as the entry that follows `previous` (None: the first entry of the log)."""
        position = previous.position + 1 if previous else 1
        prev_hash = previous.hash if previous else GENESIS
        detail = json_safe(self.detail)
        subject_refs = tuple(sorted(set(subjects), key=str))
        recorded_at = recorded_at.astimezone(UTC)
        canonical = canonical_json(position, entry_id, recorded_at, self.kind, self.actor, subject_refs, detail)
        return AuditEntry(position, entry_id, recorded_at, self.kind, self.actor, subject_refs, detail, prev_hash,
                          chain_hash(prev_hash, canonical))


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    head_hash: str
    problem: str | None = None


class ChainVerifier:
    """Checks entries one by one, in position order, so a long log is verified without holding it whole."""

    def __init__(self) -> None:
        self._expected_position = 1
        self._prev_hash = GENESIS
        self._count = 0
        self._problem: str | None = None

    def feed(self, entry: AuditEntry) -> None:
        if self._problem is not None:
            return
        self._count += 1
        if entry.position != self._expected_position:
            self._problem = (f"entry {self._expected_position} is missing or out of order "
                             f"(found position {entry.position})")
        elif entry.prev_hash != self._prev_hash:
            self._problem = f"entry {entry.position} does not follow entry {entry.position - 1} (previous hash differs)"
        elif chain_hash(entry.prev_hash, entry.canonical_json()) != entry.hash:
            self._problem = f"entry {entry.position} was changed (its hash does not match its content)"
        self._expected_position += 1
        self._prev_hash = entry.hash

    def report(self) -> ChainReport:
        return ChainReport(self._problem is None, self._count, self._prev_hash, self._problem)


def verify(entries: Iterable[AuditEntry]) -> ChainReport:
    verifier = ChainVerifier()
    for entry in entries:
        verifier.feed(entry)
    return verifier.report()
