"""The audit hash chain: each hash covers the previous hash and the entry; any change, removal or
reordering is found, and the verifier says which entry."""

import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

from consent.domain.audit import GENESIS, AuditEntry, Record, verify

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def chain(n: int = 5) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        record = Record("share_denied", "outreach", {"request_id": uuid.uuid4(), "reason": "no consent", "n": i})
        entries.append(record.chained(entries[-1] if entries else None, subjects=[uuid.uuid4()],
                                      entry_id=uuid.uuid4(), recorded_at=T0 + timedelta(seconds=i)))
    return entries


def test_each_hash_is_sha256_over_the_previous_hash_and_the_canonical_entry():
    first, second = chain(2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    body = json.dumps({"position": 2, "entry_id": str(second.entry_id), "recorded_at": second.recorded_at.isoformat(),
                       "kind": second.kind, "actor": second.actor, "subjects": [str(s) for s in second.subjects],
                       "detail": second.detail}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert second.hash == hashlib.sha256((first.hash + body).encode()).hexdigest()


def test_an_untouched_chain_is_intact():
    entries = chain()
    report = verify(entries)
    assert report.intact and report.entries == 5 and report.problem is None
    assert report.head_hash == entries[-1].hash


def test_an_empty_log_is_intact():
    assert verify([]).intact


def test_a_changed_entry_is_found():
    entries = chain()
    entries[2] = dataclasses.replace(entries[2], detail={**entries[2].detail, "reason": "consent"})
    report = verify(entries)
    assert not report.intact and report.problem == "entry 3 was changed (its hash does not match its content)"


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_link_to_the_next():
    entries = chain()
    forged = Record("share_granted", "outreach", {"request_id": "x"}).chained(
        entries[1], subjects=[], entry_id=entries[2].entry_id, recorded_at=entries[2].recorded_at)
    entries[2] = forged
    report = verify(entries)
    assert not report.intact and report.problem.startswith("entry 4 does not follow entry 3")


def test_a_removed_entry_is_found():
    entries = chain()
    del entries[1]
    report = verify(entries)
    assert not report.intact and report.problem.startswith("entry 2 is missing or out of order")


def test_reordered_entries_are_found():
    entries = chain()
    entries[1], entries[2] = entries[2], entries[1]
    assert not verify(entries).intact
    # Swapping the positions too (as an UPDATE of the position column would) is found as well.
    swapped = [dataclasses.replace(e, position=i + 1) for i, e in enumerate(entries)]
    report = verify(swapped)
    assert not report.intact and report.problem is not None


def test_detail_is_stored_as_json_so_the_hash_survives_the_database():
    entry = Record("consent_registered", "dev-caseworker", {"consent_id": uuid.uuid4(), "given_at": T0,
                                                             "categories": ["arrears"]}).chained(
        None, subjects=[], entry_id=uuid.uuid4(), recorded_at=T0)
    reloaded = dataclasses.replace(entry, detail=json.loads(json.dumps(entry.detail)))
    assert verify([reloaded]).intact
