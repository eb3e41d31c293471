"""A partner: who may report, which categories of arrears it may report, and for which municipalities;
and the rules an entry of the registry must keep, wherever it comes from (the default registry's file
or `python -m intake partners add`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vroeg_contracts.partner_report import Category

# The contract's slug (PartnerReportV1.partner_id): the id is also part of the partner's topic names.
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_SLUG_MAX = 64
_CBS_CODE = re.compile(r"\d{4}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    categories: frozenset[Category]
    token_sha256: str  # the SHA-256 of its bearer token: the token itself is never stored
    # The CBS codes of the municipalities it is registered with: on a shared installation a partner
    # reports only the residents of the municipalities it has an agreement with.
    municipalities: frozenset[str]
    # A disabled partner's token finds nobody, and a report still arriving on its topic is refused.
    active: bool = True


class PartnerEntryError(ValueError):
    """An entry of the registry breaks a rule; `field` names the field, `reason` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def checked_partner(*, id: object, name: object, categories: object, municipalities: object,
                    token_sha256: object, served: frozenset[str]) -> Partner:
    """The entry as a partner, or PartnerEntryError naming the first field that is wrong. Each of
    its `municipalities` must be one this installation serves (`served`): a partner registered for
    any other could never have a report accepted."""
    if not (isinstance(id, str) and _SLUG.fullmatch(id) and len(id) <= _SLUG_MAX):
        raise PartnerEntryError("id", f"must be lower-case letters and digits in words joined by '-', at most"
                                      f" {_SLUG_MAX} characters (it names the partner's topics), like 'eigen-haard'")
    if not (isinstance(name, str) and name.strip()):
        raise PartnerEntryError("name", "must be the partner's name")
    return Partner(id=id, name=name.strip(), categories=_categories(categories),
                   municipalities=_municipalities(municipalities, served), token_sha256=_token_sha256(token_sha256))


def _categories(categories: object) -> frozenset[Category]:
    if not isinstance(categories, list | tuple | set | frozenset) or not categories:
        raise PartnerEntryError("categories", "must be a list of one or more categories"
                                              f" ({', '.join(c.value for c in Category)})")
    unknown = sorted({str(c) for c in categories} - {c.value for c in Category})
    if unknown:
        raise PartnerEntryError("categories", f"unknown category {', '.join(unknown)}")
    return frozenset(Category(c) for c in categories)


def _municipalities(codes: object, served: frozenset[str]) -> frozenset[str]:
    if not isinstance(codes, list | tuple | set | frozenset) or not codes:
        raise PartnerEntryError("municipalities", "must be a list of one or more CBS codes")
    malformed = [repr(code) for code in codes if not (isinstance(code, str) and _CBS_CODE.fullmatch(code))]
    if malformed:
        raise PartnerEntryError("municipalities", f"not a CBS code of 4 digits: {', '.join(malformed)}")
    unknown = sorted(set(codes) - served)
    if unknown:
        raise PartnerEntryError("municipalities", f"municipality {', '.join(unknown)} is not served by this"
                                                  f" installation (it serves {', '.join(sorted(served))})")
    return frozenset(codes)


def _token_sha256(value: object) -> str:
    digest = value.lower() if isinstance(value, str) else ""
    if not _SHA256.fullmatch(digest):
        raise PartnerEntryError("token_sha256", "must be the 64 hex digits of a SHA-256")
    return digest
