"""The one validation path for partner reports, whatever way they came in (Kafka, HTTP or CSV).

It turns raw input into either a valid `PartnerReportV1` or a list of `FieldError`s, each naming the
field and the reason. It never raises for bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from vroeg_contracts.partner_report import PartnerReportV1

from ..config import Partner


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ValidationContext:
    """What validation needs from the installation: the partners, the municipalities, today."""

    partners: dict[str, Partner]
    municipalities: frozenset[str]
    today: date


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(report)"


def _pydantic_errors(error: ValidationError) -> list[FieldError]:
    errors = []
    for item in error.errors(include_input=False, include_url=False):
        loc = item["loc"]
        reason = item["msg"].removeprefix("Value error, ")
        if item["type"] in {"missing", "extra_forbidden"} or not loc:
            reason = {"missing": "required field is missing", "extra_forbidden": "unknown field"}.get(item["type"], reason)
        errors.append(FieldError(_field_name(tuple(loc)), reason))
    return errors


def decode_json(raw: bytes) -> tuple[Any, list[FieldError]]:
    """(decoded value, []) or (None, [why the bytes are not JSON])."""
    try:
        return json.loads(raw.decode("utf-8-sig")), []
    except UnicodeDecodeError:
        return None, [FieldError("(body)", "not UTF-8 text")]
    except json.JSONDecodeError as error:
        return None, [FieldError("(body)", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]


def validate_report(data: Any, *, sender: str, context: ValidationContext) -> PartnerReportV1 | list[FieldError]:
    """Validate one report (already decoded) sent by the authenticated partner `sender`."""
    if not isinstance(data, dict):
        return [FieldError("(report)", "a report must be a JSON object")]
    try:
        report = PartnerReportV1.model_validate(data, context={"today": context.today})
    except ValidationError as error:
        errors = _pydantic_errors(error)
        # Still say whether the partner id is wrong: it matters more than the rest.
        claimed = data.get("partner_id")
        if isinstance(claimed, str) and claimed != sender and not any(e.field == "partner_id" for e in errors):
            errors.insert(0, FieldError("partner_id", f"does not match the sending partner {sender!r}"))
        return errors

    errors: list[FieldError] = []
    if report.partner_id != sender:
        errors.append(FieldError("partner_id", f"does not match the sending partner {sender!r}"))
    partner = context.partners.get(sender)
    if partner is None:
        errors.append(FieldError("partner_id", f"unknown partner {sender!r}"))
    elif report.arrears.category not in partner.categories:
        allowed = ", ".join(sorted(partner.categories))
        errors.append(FieldError("arrears.category", f"partner {sender!r} may not report {report.arrears.category.value!r} (allowed: {allowed})"))
    if report.arrears.municipality_code not in context.municipalities:
        errors.append(FieldError("arrears.municipality_code",
                                 f"municipality {report.arrears.municipality_code} is not served by this installation"))
    return errors or report
