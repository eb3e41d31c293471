"""The audit log's hash chain, checked without a database: the canonical text each hash covers, and
the first row that no longer fits once a row is changed, removed or moved."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from outreach.domain.audit_chain import GENESIS, ChainRow, canonical, chain_hash, verify

CASE_A, CASE_B = uuid.UUID(int=1), uuid.UUID(int=2)
START = datetime(2026, 12, 7, 9, 30, 0, 123456, tzinfo=UTC)


def chained(count: int) -> list[ChainRow]:
    """`count` rows chained as the database chains them."""
    rows, prev = [], GENESIS
    for n in range(1, count + 1):
        row = ChainRow(audit_id=n * 3, at=START + timedelta(seconds=n), staff_id=f"cw-{n}", role="caseworker",
                       action="read:case", case_ids=[CASE_A, CASE_B][: n % 3], detail=f"détail {n}\nregel",
                       municipality_code=None if n % 2 else "0437", prev_hash=prev, hash="")
        row = dataclasses.replace(row, hash=chain_hash(prev, row))
        rows.append(row)
        prev = row.hash
    return rows


def test_the_canonical_text_is_length_prefixed_and_marks_null():
    row = ChainRow(7, START, "cw-anna", "caseworker", "read:cases", [CASE_A, CASE_B], "a|b", None, GENESIS, "")
    micros = int(START.timestamp()) * 1_000_000 + 123456
    assert canonical(row) == (f"1:7|{len(str(micros))}:{micros}|7:cw-anna|10:caseworker|10:read:cases|"
                              f"73:{CASE_A},{CASE_B}|3:a|b|~")
    assert chain_hash(GENESIS, row) == hashlib.sha256((GENESIS + canonical(row)).encode()).hexdigest()
    # An empty municipality is not the same as none.
    assert canonical(dataclasses.replace(row, municipality_code="")) != canonical(row)


def test_an_untouched_chain_is_intact():
    report = verify(chained(6))
    assert (report.intact, report.rows, report.first_broken) == (True, 6, None)
    assert verify([]).intact and verify([]).rows == 0


def test_a_changed_row_is_the_first_broken_one():
    rows = chained(6)
    for field, value in (("detail", "something else"), ("staff_id", "cw-x"), ("municipality_code", "0362"),
                         ("case_ids", [CASE_B]), ("at", START), ("action", "write:note")):
        tampered = list(rows)
        tampered[3] = dataclasses.replace(rows[3], **{field: value})
        report = verify(tampered)
        assert (report.intact, report.rows, report.first_broken) == (False, 6, rows[3].audit_id), field


def test_a_removed_row_breaks_the_chain_at_the_row_after_it():
    rows = chained(6)
    assert verify(rows[:2] + rows[3:]).first_broken == rows[3].audit_id
    assert verify(rows[1:]).first_broken == rows[1].audit_id  # the first row removed


def test_swapped_rows_break_the_chain():
    rows = chained(6)
    assert verify([rows[0], rows[2], rows[1], *rows[3:]]).first_broken == rows[2].audit_id


def test_a_row_rehashed_on_its_own_still_breaks_at_the_next_row():
    rows = chained(6)
    forged = dataclasses.replace(rows[2], detail="forged")
    forged = dataclasses.replace(forged, hash=chain_hash(forged.prev_hash, forged))
    assert verify([*rows[:2], forged, *rows[3:]]).first_broken == rows[3].audit_id
