"""Helpers for writing a batch of rows in one statement (`INSERT ... SELECT * FROM unnest(...)`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows as columns: one list per column, each passed to `unnest` as an array parameter."""
    return [[row[i] for row in rows] for i in range(width)]
