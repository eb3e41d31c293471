"""Today's work (the *werkbak*): the open cases that need a caseworker, in four buckets, the most
urgent first (crises, then several arrears at once, then the oldest), with the filters a team uses
to divide the work. Also the words in which the workplace explains a case's decision."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal, get_args

from .errors import InvalidInput

Bucket = Literal["calls", "visits", "letters", "outcome"]
BUCKETS: tuple[str, ...] = get_args(Bucket)
BUCKET_NAMES: dict[str, str] = {"calls": "Te bellen", "visits": "Huisbezoeken", "letters": "Vervolgbrieven",
                                "outcome": "Wacht op uitkomst"}
BUCKET_HINTS: dict[str, str] = {
    "calls": "Bel de inwoner, ongeveer een week na de eerste brief.",
    "visits": "Ga langs bij de inwoner: er is geen telefoonnummer bekend.",
    "letters": "Er gaat vanzelf een vervolgbrief uit; pak de zaak op als u eerst iets wilt nagaan.",
    "outcome": "Er is contact geweest of er staat niets meer gepland: leg de uitkomst vast.",
}
# Crises first, then several arrears at once, then one.
INTENSITY_ORDER: tuple[str, ...] = ("crisis", "multiple", "single")
INTENSITY_NAMES: dict[str, str] = {"crisis": "Crisis", "multiple": "Meervoudig", "single": "Enkelvoudig"}
CATEGORY_NAMES: dict[str, str] = {
    "rent": "huur", "energy": "energie", "water": "water", "health_insurance": "zorgverzekering",
    "cak": "CAK-bijdrage", "mortgage": "hypotheek", "student_debt": "studieschuld (DUO)",
    "tax_office": "Belastingdienst", "benefits": "toeslagen", "municipal_tax": "gemeentelijke belastingen",
    "other": "andere vaste lasten",
}
ACTION_NAMES: dict[str, str] = {"letter_only": "alleen een brief", "letter_and_call": "een brief en daarna contact",
                                "urgent": "een brief en zo snel mogelijk contact"}
PAGE_SIZE = 25
POSTCODE_AREA = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class WorkFilter:
    """The filters of today's work; None means: no filter on this."""

    category: str | None = None
    min_amount: Decimal | None = None
    min_days_in_arrears: int | None = None
    postcode_area: str | None = None  # the four digits of a postcode
    overdue_only: bool = False
    mine_only: bool = False

    def as_query(self) -> dict[str, str]:
        """The filter as query parameters, to keep it in links (paging, going back from a case)."""
        query = {"categorie": self.category, "bedrag": str(self.min_amount) if self.min_amount is not None else None,
                 "dagen": str(self.min_days_in_arrears) if self.min_days_in_arrears is not None else None,
                 "postcode": self.postcode_area, "te_laat": "1" if self.overdue_only else None,
                 "mijn": "1" if self.mine_only else None}
        return {k: v for k, v in query.items() if v}


def parse_filter(raw: Mapping[str, str]) -> WorkFilter:
    """The filter from a form's fields; raises InvalidInput naming the field, with a Dutch reason."""
    def text(name: str) -> str | None:
        value = (raw.get(name) or "").strip()
        return value or None

    category = text("categorie")
    if category is not None and category not in CATEGORY_NAMES:
        raise InvalidInput("categorie", "Kies een soort betalingsachterstand uit de lijst.")
    min_amount = None
    if (amount := text("bedrag")) is not None:
        try:
            min_amount = Decimal(amount.replace(",", "."))
        except InvalidOperation:
            raise InvalidInput("bedrag", "Vul een bedrag in euro's in, zoals 250 of 99,50.") from None
        if not min_amount.is_finite() or min_amount < 0 or min_amount > 1_000_000:
            raise InvalidInput("bedrag", "Vul een bedrag tussen 0 en 1.000.000 euro in.")
    min_days = None
    if (days := text("dagen")) is not None:
        if not re.fullmatch(r"[0-9]{1,4}", days) or int(days) > 3650:
            raise InvalidInput("dagen", "Vul een aantal dagen in, een heel getal van 0 tot 3650.")
        min_days = int(days)
    postcode = text("postcode")
    if postcode is not None and not POSTCODE_AREA.fullmatch(postcode):
        raise InvalidInput("postcode", "Vul de vier cijfers van een postcodegebied in, zoals 1191.")
    return WorkFilter(category, min_amount, min_days, postcode, raw.get("te_laat") == "1", raw.get("mijn") == "1")


@dataclass(frozen=True)
class WorkRow:
    """One case in a bucket of today's work. No contact details: the list is not a read of them."""

    case_id: uuid.UUID
    bucket: str
    intensity: str
    due_at: datetime | None  # the call, visit or letter; None for a case waiting for an outcome
    opened_at: datetime
    categories: tuple[str, ...]
    amount: Decimal | None
    arrears_since: date | None
    unreached_attempts: int
    assigned_to: str | None
    overdue: bool  # due on an earlier day than today


@dataclass(frozen=True)
class TodaysWork:
    day: date
    counts: dict[str, int]  # per bucket, with the filter applied
    rows: dict[str, list[WorkRow]]  # per bucket, one page
    page: int
    filter: WorkFilter

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def has_more(self, bucket: str) -> bool:
        return self.counts.get(bucket, 0) > (self.page + 1) * PAGE_SIZE

    @property
    def has_next_page(self) -> bool:
        return any(self.has_more(bucket) for bucket in self.counts)


def categories_in_words(categories: Iterable[str]) -> str:
    names = [CATEGORY_NAMES.get(c, c) for c in sorted(set(categories))]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1] if names else "onbekend"


def explain(intensity: str, action: str, categories: Iterable[str]) -> str:
    """Why the case was opened and what that asks of the team, in plain Dutch."""
    arrears = categories_in_words(categories)
    if intensity == "crisis":
        why = f"Een partner meldt een dreigende crisis, zoals een huisuitzetting of afsluiting ({arrears})."
    elif intensity == "multiple":
        why = f"Er zijn tegelijk betalingsachterstanden bij meerdere partners: {arrears}."
    else:
        why = f"Er is een betalingsachterstand gemeld: {arrears}."
    return f"{why} Daarom: {ACTION_NAMES.get(action, action)}."
