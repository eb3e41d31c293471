"""The answer a partner gets for a report, and what a CSV import of many reports comes to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from .lifecycle import Change
from .validation import FieldError

# How a report came in; a rejection names it to the partner.
Channel = Literal["kafka", "http", "csv", "replay"]


@dataclass(frozen=True)
class ReportOutcome:
    """The answer a partner gets for one report."""

    status: Literal["accepted", "rejected"]
    report_id: str | None
    change: Change | None = None
    reasons: tuple[FieldError, ...] = ()  # why it was rejected
    warnings: tuple[FieldError, ...] = ()  # accepted: the optional fields left out, and why
    signal_id: uuid.UUID | None = None
    rejection_id: uuid.UUID | None = None

    @classmethod
    def refused(cls, report_id: str | None, rejection_id: uuid.UUID, reasons: list[dict[str, str]]) -> ReportOutcome:
        """The answer of a rejection as it was stored."""
        return cls("rejected", report_id, rejection_id=rejection_id,
                   reasons=tuple(FieldError(r["field"], r["reason"]) for r in reasons))

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"report_id": self.report_id, "status": self.status}
        if self.change is not None:
            answer["change"] = self.change.value
        if self.reasons:
            answer["reasons"] = [r.as_dict() for r in self.reasons]
        if self.warnings:
            answer["warnings"] = [w.as_dict() for w in self.warnings]
        if self.rejection_id is not None:
            answer["rejection_id"] = str(self.rejection_id)
        return answer


@dataclass
class ImportCounts:
    """What a CSV import did, for the final line of the command (and its tests)."""

    accepted: int = 0
    duplicates: int = 0  # accepted before: nothing changed
    warned: int = 0  # accepted without an invalid optional field
    rejected: int = 0
    first_rejections: list[tuple[int, ReportOutcome]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.accepted + self.rejected

    def add(self, position: int, outcome: ReportOutcome, keep_rejections: int = 20) -> None:
        if outcome.status == "accepted":
            self.accepted += 1
            self.duplicates += outcome.change is Change.DUPLICATE
            self.warned += bool(outcome.warnings)
        else:
            self.rejected += 1
            if len(self.first_rejections) < keep_rejections:
                self.first_rejections.append((position, outcome))
