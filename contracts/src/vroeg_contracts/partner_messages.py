"""What partners receive back on their own topics: rejections (with reasons per field), warnings
about optional fields left out of an accepted report, and feedback.

All are part of the public partner contract. None ever carries a value from the report (it may be
personal data), and feedback never says why: a creditor may only learn whether a report was picked up.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict


class FieldReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str  # dotted path in the report, e.g. `client.postcode`; `(body)` when it is not JSON at all
    reason: str


class ReportRejected(BaseModel):
    """On `partner.<id>.rejections.v1`, keyed by report id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_type: Literal["ReportRejected"] = "ReportRejected"
    rejection_id: uuid.UUID
    partner_id: str
    report_id: str | None  # None when the report id could not be read
    channel: Literal["kafka", "http", "csv", "replay"]
    rejected_at: AwareDatetime
    reasons: list[FieldReason]


class ReportAcceptedWithWarnings(BaseModel):
    """On `partner.<id>.rejections.v1`, keyed by report id: the report was accepted, but without the
    optional fields named in `reasons` (an invalid phone number or e-mail address), which were left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_type: Literal["ReportAcceptedWithWarnings"] = "ReportAcceptedWithWarnings"
    partner_id: str
    report_id: str
    channel: Literal["kafka", "http", "csv", "replay"]
    accepted_at: AwareDatetime
    reasons: list[FieldReason]  # the fields left out, and why; never their values


class ReportFeedback(BaseModel):
    """On `partner.<id>.feedback.v1`, keyed by report id: only whether the report was picked up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_type: Literal["ReportFeedback"] = "ReportFeedback"
    feedback_id: uuid.UUID
    partner_id: str
    report_id: str
    outcome: Literal["picked_up", "not_picked_up"]
    decided_at: datetime
