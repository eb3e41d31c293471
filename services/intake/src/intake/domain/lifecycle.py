"""What a report means given what intake already holds under the same `(partner_id, report_id)`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vroeg_contracts.partner_report import PartnerReportV1, ReportStatus

from .validation import FieldError

# Fields that identify the debt and the household: a re-sent report may not change them. Status,
# amount, dates of sending, crisis and contact details may change (a resolve, a correction).
IMMUTABLE_FIELDS = (
    ("arrears", "category"),
    ("arrears", "municipality_code"),
    ("arrears", "arrears_since"),
    ("client", "bsn"),
    ("client", "postcode"),
    ("client", "house_number"),
    ("client", "house_letter"),
    ("client", "house_number_addition"),
)


class Change(StrEnum):
    NEW = "new"  # first time this report id is seen
    UPDATED = "updated"  # same report, new status or details: publish the change
    DUPLICATE = "duplicate"  # identical to what is held, or to an earlier accepted version: same answer


@dataclass(frozen=True)
class Assessment:
    change: Change | None
    errors: list[FieldError]


def canonical(report: PartnerReportV1) -> dict[str, Any]:
    """The normalised report as held and compared: `812.5` and `812.50` are one amount."""
    data = report.model_dump(mode="json")
    if report.arrears.amount is not None:
        data["arrears"]["amount"] = f"{report.arrears.amount:.2f}"
    return data


def version_digest(report: dict[str, Any]) -> str:
    """A digest of a canonical report, to recognise a version of a report seen before."""
    return hashlib.sha256(json.dumps(report, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def assess(incoming: PartnerReportV1, held: dict[str, Any] | None, versions: Collection[str] = ()) -> Assessment:
    """Compare an incoming valid report with the canonical form held for its id (if any), and with
    the digests of every version accepted before (`versions`)."""
    if held is None:
        if incoming.client is None:
            return Assessment(None, [FieldError("client", "required: no earlier report with this report_id is known")])
        return Assessment(Change.NEW, [])
    new = canonical(incoming)
    if incoming.client is None:
        new["client"] = held["client"]  # a resolve may leave out the client: it stays as it was
    # An earlier version sent again (a file replayed after its resolve, say) changes nothing either.
    if new == held or version_digest(new) in versions:
        return Assessment(Change.DUPLICATE, [])
    errors = [
        FieldError(f"{group}.{name}", f"differs from the earlier report with this report_id and may not change")
        for group, name in IMMUTABLE_FIELDS
        if (new.get(group) or {}).get(name) != (held.get(group) or {}).get(name)
    ]
    held_status = ReportStatus(held["arrears"]["status"])
    if held_status is not ReportStatus.OPEN and incoming.arrears.status is ReportStatus.OPEN:
        errors.append(FieldError("arrears.status", f"the report was already {held_status.value}; a new debt needs a new report_id"))
    return Assessment(None, errors) if errors else Assessment(Change.UPDATED, [])


def merged(incoming: PartnerReportV1, held: dict[str, Any] | None) -> PartnerReportV1:
    """The report as it now stands: the incoming one, with the held client when it left it out."""
    if incoming.client is not None or held is None:
        return incoming
    return PartnerReportV1.model_validate({**canonical(incoming), "client": held["client"]})
