"""Referrals: which data categories a referral may ask for, and the package that holds only what
consent granted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from vroeg_contracts.privacy import ContactDetails

from .ddas_lists import REFERRAL_OUTCOMES
from .errors import InvalidInput

# The categories a referral can ask consent for, and the contact fields each one covers.
DataCategory = Literal["name", "address", "phone", "email", "bsn", "birth_date", "arrears", "outcome"]
DATA_CATEGORIES: tuple[str, ...] = get_args(DataCategory)
CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("initials", "prefix", "surname"),
    "address": ("street", "house_number", "house_letter", "house_number_addition", "postcode", "city"),
    "phone": ("phone",),
    "email": ("email",),
    "bsn": ("bsn",),
    "birth_date": ("birth_date",),
}


@dataclass(frozen=True)
class ArrearsLine:
    partner_id: str
    category: str
    amount: Decimal | None
    arrears_since: date


@dataclass(frozen=True)
class Referral:
    request_id: uuid.UUID
    recipient: str
    purpose: str
    requested: tuple[str, ...]


def check_referral(outcome: str, referral: Referral | None) -> None:
    """A referral goes only with an outcome that hands the resident on for help."""
    if referral is not None and outcome not in REFERRAL_OUTCOMES:
        raise InvalidInput("referral", f"a referral goes only with the outcome {' or '.join(sorted(REFERRAL_OUTCOMES))}")


def package(referral: Referral, permitted: list[str], *, contact: ContactDetails, arrears: list[ArrearsLine],
            outcome: str | None, created_at: datetime) -> dict[str, Any]:
    """The referral package: only categories that were both requested and granted.

    Intersecting with what was requested guards against a grant that names more than we asked for.
    """
    granted = [c for c in DATA_CATEGORIES if c in permitted and c in referral.requested]
    data: dict[str, Any] = {}
    for category in granted:
        if category in CONTACT_FIELDS:
            values = {f: getattr(contact, f) for f in CONTACT_FIELDS[category] if getattr(contact, f) is not None}
            data[category] = {f: v.isoformat() if isinstance(v, date) else v for f, v in values.items()}
        elif category == "arrears":
            data["arrears"] = [{"partner_id": a.partner_id, "category": a.category,
                                "amount": str(a.amount) if a.amount is not None else None,
                                "arrears_since": a.arrears_since.isoformat()} for a in arrears]
        elif category == "outcome":
            data["outcome"] = outcome
    return {"request_id": str(referral.request_id), "recipient": referral.recipient, "purpose": referral.purpose,
            "granted_categories": granted, "created_at": created_at.isoformat(), "data": data}
