"""The workplace's forms, read from the posted fields: what was typed (to show it again), and per
field what is wrong, in Dutch, so the page can put each error beside its field."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...domain.calendar import AMSTERDAM
from ...domain.ddas_lists import CONTACT_KINDS, DAY_PARTS, OUTCOMES, REFERRAL_OUTCOMES
from ...domain.referral import DATA_CATEGORIES, Referral
from ...handlers.register_attempt import NewAttempt

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATA_CATEGORY_NAMES = {"name": "Naam", "address": "Adres", "phone": "Telefoonnummer", "email": "E-mailadres",
                       "bsn": "BSN", "birth_date": "Geboortedatum", "arrears": "Betalingsachterstanden",
                       "outcome": "Uitkomst van het gesprek"}
REFERRAL_REASON = "Een doorverwijzing hoort alleen bij een uitkomst met vervolghulp of verwijzing."
# The use cases' own refusals, by the field the use case names: the form's field, and the reason as
# the workplace says it (None: the use case's reason is Dutch already).
USE_CASE_FIELDS: dict[str, tuple[str, str | None]] = {
    "date": ("datum", "De datum ligt voor de dag waarop de zaak is geopend."),
    "referral": ("doorverwijzen", REFERRAL_REASON),
    "text": ("tekst", None),
}


def use_case_error(submitted: Submitted, field_name: str, reason: str) -> None:
    form_field, said = USE_CASE_FIELDS.get(field_name, (field_name, None))
    submitted.errors[form_field] = said or reason


@dataclass
class Submitted:
    """A form as posted: its values and its errors by field name."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def attempt(form: Mapping[str, Any]) -> tuple[Submitted, NewAttempt | None]:
    values = {name: _text(form, name) for name in ("soort", "dagdeel", "datum", "bereikt")}
    submitted = Submitted(values)
    if values["soort"] not in CONTACT_KINDS:
        submitted.errors["soort"] = "Kies hoe u contact zocht."
    if values["dagdeel"] not in DAY_PARTS:
        submitted.errors["dagdeel"] = "Kies het dagdeel."
    if values["bereikt"] not in ("ja", "nee"):
        submitted.errors["bereikt"] = "Geef aan of u de inwoner hebt gesproken."
    day = None
    try:
        day = date.fromisoformat(values["datum"])
    except ValueError:
        submitted.errors["datum"] = "Vul een datum in, zoals 2026-12-07."
    if day is not None and day > today():
        submitted.errors["datum"] = "De datum ligt in de toekomst."
    if not submitted.ok or day is None:
        return submitted, None
    return submitted, NewAttempt(values["soort"], values["bereikt"] == "ja", day, values["dagdeel"])


def outcome(form: Mapping[str, Any]) -> tuple[Submitted, str | None, Referral | None]:
    """The outcome, and a referral when the caseworker asks the resident's consent for one."""
    chosen = [v for v in form.getlist("gegevens") if v in DATA_CATEGORIES] if hasattr(form, "getlist") else []
    values = {"uitkomst": _text(form, "uitkomst"), "doorverwijzen": _text(form, "doorverwijzen"),
              "ontvanger": _text(form, "ontvanger"), "doel": _text(form, "doel"), "gegevens": chosen}
    submitted = Submitted(values)
    if values["uitkomst"] not in OUTCOMES:
        submitted.errors["uitkomst"] = "Kies de uitkomst van de zaak."
    referral = None
    if values["doorverwijzen"] == "ja":
        if values["uitkomst"] in OUTCOMES and values["uitkomst"] not in REFERRAL_OUTCOMES:
            submitted.errors["doorverwijzen"] = REFERRAL_REASON
        if not SLUG.match(values["ontvanger"]) or len(values["ontvanger"]) > 80:
            submitted.errors["ontvanger"] = "Vul de organisatie in met kleine letters en streepjes, zoals schuldhulp-amstelland."
        if not SLUG.match(values["doel"]) or len(values["doel"]) > 80:
            submitted.errors["doel"] = "Vul het doel in met kleine letters en streepjes, zoals schuldhulpverlening."
        if not chosen:
            submitted.errors["gegevens"] = "Kies welke gegevens de organisatie nodig heeft."
        if submitted.ok:
            referral = Referral(uuid.uuid4(), values["ontvanger"], values["doel"], tuple(dict.fromkeys(chosen)))
    return submitted, (values["uitkomst"] if submitted.ok else None), referral


def note(form: Mapping[str, Any]) -> Submitted:
    return Submitted({"tekst": _text(form, "tekst")})


def account(form: Mapping[str, Any]) -> Submitted:
    values = {name: _text(form, name) for name in ("username", "display_name", "role", "municipalities", "password")}
    return Submitted(values)


def municipalities_of(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in re.split(r"[\s,;]+", text) if code))
