"""A partner: who may report, and which categories of arrears it may report."""

from __future__ import annotations

from dataclasses import dataclass

from vroeg_contracts.partner_report import Category


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    categories: frozenset[Category]
    token_sha256: str  # the SHA-256 of its bearer token: the token itself is never stored
