"""Intake's use case: take one partner report, from any way in, and record the answer durably."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_messages import FieldReason, ReportRejected
from vroeg_runtime import outbox

from .adapters.privacy import Privacy
from .adapters.repository import ReportRepository
from .domain.lifecycle import Change, assess, canonical, merged
from .domain.validation import FieldError, ValidationContext, validate_report

SERVICE = "intake"
# Correlation ids derive from the report's idempotency key, so every event about one report, in
# every service, can be found from (partner_id, report_id) alone.
CORRELATION_NAMESPACE = uuid.UUID("0b6a4f0e-3f55-4c52-9d2f-6f3b8c7d1a10")


def correlation_id_of(partner_id: str, report_id: str) -> uuid.UUID:
    return uuid.uuid5(CORRELATION_NAMESPACE, f"{partner_id}/{report_id}")


@dataclass(frozen=True)
class ReportOutcome:
    """The answer a partner gets for one report."""

    status: Literal["accepted", "rejected"]
    report_id: str | None
    change: Change | None = None
    reasons: tuple[FieldError, ...] = ()
    signal_id: uuid.UUID | None = None

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"report_id": self.report_id, "status": self.status}
        if self.change is not None:
            answer["change"] = self.change.value
        if self.reasons:
            answer["reasons"] = [r.as_dict() for r in self.reasons]
        return answer


async def take_report(conn: asyncpg.Connection, *, raw: bytes, data: Any, sender: str, channel: str, source: str,
                      context: ValidationContext, privacy: Privacy,
                      decode_errors: list[FieldError] | None = None) -> ReportOutcome:
    """Validate, deduplicate and store one report with its outgoing events. Call inside a transaction.

    `data` is the decoded report; `decode_errors` says why the raw bytes could not even be decoded.
    """
    repo = ReportRepository(conn)
    report = decode_errors if decode_errors else validate_report(data, sender=sender, context=context)
    report_id = data.get("report_id") if isinstance(data, dict) and isinstance(data.get("report_id"), str) else None
    if isinstance(report, list):
        return await _reject(repo, raw=raw, sender=sender, channel=channel, source=source, report_id=report_id, errors=report)

    await repo.lock_report_id(report.partner_id, report.report_id)
    held = await repo.signal_for_update(report.partner_id, report.report_id)
    assessment = assess(report, held.report if held else None)
    if assessment.errors:
        return await _reject(repo, raw=raw, sender=sender, channel=channel, source=source,
                             report_id=report.report_id, errors=assessment.errors)
    if assessment.change is Change.DUPLICATE:
        assert held is not None
        return ReportOutcome("accepted", report.report_id, Change.DUPLICATE, signal_id=held.signal_id)

    current = merged(report, held.report if held else None)
    assert current.client is not None
    municipality = current.arrears.municipality_code
    signal_id = held.signal_id if held else uuid.uuid4()
    household = privacy.household_key(municipality, current.client)
    person = privacy.person_key(municipality, current.client)
    raw_report_id = await repo.add_raw(partner_id=sender, channel=channel, source=source, payload=raw)
    await repo.save_signal(signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
                           municipality_code=municipality, household_key=household, person_key=person,
                           category=current.arrears.category.value, status=current.arrears.status.value,
                           report=canonical(current), raw_report_id=raw_report_id)
    arrears = current.arrears
    event = ArrearsReported(
        signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
        category=arrears.category, status=arrears.status, amount=arrears.amount, signal_date=arrears.signal_date,
        arrears_since=arrears.arrears_since, crisis=arrears.crisis, warm_handover=arrears.warm_handover,
        person_key=person, contact=privacy.seal(current.client),
    )
    await outbox.add(conn, Envelope.wrap(event, producer=SERVICE, municipality_code=municipality, household_key=household,
                                         correlation_id=correlation_id_of(current.partner_id, current.report_id)))
    return ReportOutcome("accepted", current.report_id, assessment.change, signal_id=signal_id)


async def _reject(repo: ReportRepository, *, raw: bytes, sender: str, channel: str, source: str,
                  report_id: str | None, errors: list[FieldError]) -> ReportOutcome:
    held = await repo.rejection_of(sender, raw)
    if held is not None:  # the same bytes again: the same answer, nothing new stored or sent
        return ReportOutcome("rejected", held.report_id,
                             reasons=tuple(FieldError(r["field"], r["reason"]) for r in held.reasons))
    raw_report_id = await repo.add_raw(partner_id=sender, channel=channel, source=source, payload=raw)
    reasons = [e.as_dict() for e in errors]
    rejection_id = await repo.add_rejection(raw_report_id=raw_report_id, partner_id=sender, report_id=report_id,
                                            raw=raw, reasons=reasons)
    # The partner hears back on its own topic; the message names fields and reasons, never values.
    message = ReportRejected(rejection_id=rejection_id, partner_id=sender, report_id=report_id, channel=channel,
                             rejected_at=datetime.now(UTC), reasons=[FieldReason(**r) for r in reasons])
    await outbox.add_raw(repo.conn, event_id=rejection_id, topic=topics.partner_rejections(sender),
                         key=report_id or str(rejection_id), payload=message.model_dump_json().encode(),
                         headers={"event_type": "ReportRejected", "event_id": str(rejection_id)})
    return ReportOutcome("rejected", report_id, reasons=tuple(errors))
