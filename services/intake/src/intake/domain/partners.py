"""A partner: who may report, which categories of arrears it may report, and for which municipalities."""

from __future__ import annotations

from dataclasses import dataclass

from vroeg_contracts.partner_report import Category


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    categories: frozenset[Category]
    token_sha256: str  # the SHA-256 of its bearer token: the token itself is never stored
    # The CBS codes of the municipalities it is registered with: on a shared installation a partner
    # reports only the residents of the municipalities it has an agreement with.
    municipalities: frozenset[str]
