"""A resident's name as Dutch writes it: initials, surname prefix (tussenvoegsel) and surname."""

from __future__ import annotations

# A prefix that ends in an apostrophe is written against the surname: d'Hondt, l'Ami. The
# typographic apostrophe (’) counts too. A prefix that starts with one keeps its space: van 't Hof.
APOSTROPHES = ("'", "\u2019")


def _tidy(part: str | None) -> str:
    """One part without leading, trailing or repeated white space; None is empty."""
    return " ".join((part or "").split())


def surname_with_prefix(prefix: str | None, surname: str | None, *, starts_name: bool = False) -> str:
    """`van der Berg`, `d'Hondt`, `van 't Hof`; empty when both are.

    `starts_name`: nothing (no initials) comes before it, as after "heer/mevrouw"; Dutch then
    writes the prefix with a capital: `Van der Berg`, `D'Hondt`.
    """
    prefix, surname = _tidy(prefix), _tidy(surname)
    if starts_name:
        prefix = prefix[:1].upper() + prefix[1:]
    if not prefix or not surname:
        return prefix or surname
    return prefix + ("" if prefix.endswith(APOSTROPHES) else " ") + surname


def full_name(initials: str | None, prefix: str | None, surname: str | None) -> str:
    """`J.P. van der Berg`, `A. d'Hondt`; empty when nothing is known."""
    return " ".join(part for part in (_tidy(initials), surname_with_prefix(prefix, surname)) if part)
