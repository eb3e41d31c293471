"""Which municipalities a reader serves. A caseworker or supervisor sees, searches, counts and
exports only their own municipalities' residents and cases; `None` stands for the whole
installation (operators' commands)."""

from __future__ import annotations

from .errors import MunicipalityOutOfScope

Scope = tuple[str, ...] | None


def in_scope(municipality_code: str, municipalities: Scope) -> bool:
    """Whether a reader of `municipalities` may see this municipality's data."""
    return municipalities is None or municipality_code in municipalities


def narrowed(municipalities: Scope, asked: str | None) -> Scope:
    """The reader's scope, narrowed to one municipality when they ask for one (a report per
    municipality). Asking for one outside the scope is refused as if it did not exist."""
    if asked is None:
        return municipalities
    if not in_scope(asked, municipalities):
        raise MunicipalityOutOfScope(asked)
    return (asked,)
