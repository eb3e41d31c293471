"""Take partner reports, whichever way they came in: validate each through the domain, store it
through the repository, and emit `ArrearsReported` (accepted) or `ReportRejected` to the partner
(refused, with the fields and reasons). A report accepted without an invalid optional field also
sends the partner `ReportAcceptedWithWarnings`, naming the field and the reason.

`take_report` takes one report with a round trip per read and write; `take_reports` takes a batch
with a few statements for the whole batch (ADR 0005). Both judge each report in the same steps
(`_take`), so a report gets the same answer either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, correlation_id_of
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_messages import FieldReason, ReportAcceptedWithWarnings, ReportRejected
from vroeg_runtime.consuming import Within, no_spans
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.batch_repository import BatchedReportRepository
from ..adapters.incoming import IncomingReport
from ..adapters.repository import ReportRepository
from ..config import SERVICE
from ..domain.lifecycle import Change, assess, canonical, merged, version_digest
from ..domain.outcome import Channel, ReportOutcome
from ..domain.validation import FieldError, ValidationContext, ValidReport, readable_report_id, validate_report
from .dependencies import IntakeDependencies


@dataclass(frozen=True)
class Sent:
    """A report as it was sent: what came in, from whom (proven by the topic or the token), and
    where it was read (kept with the raw report: a record's position, a request and index, a line)."""

    incoming: IncomingReport
    sender: str
    source: str


async def take_report(uow: UnitOfWork, deps: IntakeDependencies, sent: Sent, *, channel: Channel,
                      reconsider: bool = False) -> ReportOutcome:
    """Validate, deduplicate and store one report, and emit what it leads to.

    The same bytes refused before get the same answer, unless `reconsider` (a replay after a fix).
    """
    return await _take(uow, ReportRepository(uow.conn), deps, deps.validation_context(), sent, channel=channel,
                       reconsider=reconsider)


async def take_reports(uow: UnitOfWork, deps: IntakeDependencies, batch: Sequence[Sent], *, channel: Channel,
                       within: Within = no_spans) -> list[ReportOutcome]:
    """Take a batch of reports with a few statements for the whole batch instead of a few per report
    (`BatchedReportRepository`); each report is judged in order, seeing what the reports before it
    did. `within(i)` wraps the taking of report i (its trace span).

    Raises `NotLoaded` when a report needs what was not loaded up front: let the unit roll back and
    take the reports one by one.
    """
    repo = BatchedReportRepository(uow.conn)
    await repo.load(reports=[(s.sender, report_id) for s in batch if (report_id := readable_report_id(s.incoming.data))],
                    raws=[(s.sender, s.incoming.raw) for s in batch])
    context = deps.validation_context()
    outcomes = []
    for index, sent in enumerate(batch):
        with within(index):
            outcomes.append(await _take(uow, repo, deps, context, sent, channel=channel))
    await repo.flush()
    return outcomes


async def _take(uow: UnitOfWork, repo: ReportRepository, deps: IntakeDependencies, context: ValidationContext,
                sent: Sent, *, channel: Channel, reconsider: bool = False) -> ReportOutcome:
    incoming, sender = sent.incoming, sent.sender
    if not reconsider:
        earlier = await repo.rejection_of(sender, incoming.raw)
        if earlier is not None and not earlier.replayed:
            return ReportOutcome.refused(earlier.report_id, earlier.rejection_id, earlier.reasons)
    validated = list(incoming.errors) or validate_report(incoming.data, sender=sender, context=context)
    if isinstance(validated, list):
        return await _reject(uow, repo, sent, channel=channel, report_id=readable_report_id(incoming.data),
                             errors=validated)

    report, warnings = validated.report, validated.warnings
    await repo.lock_report_id(report.partner_id, report.report_id)
    held = await repo.signal_for_update(report.partner_id, report.report_id)
    assessment = assess(report, held.report if held else None, held.versions if held else ())
    if assessment.errors:
        return await _reject(uow, repo, sent, channel=channel, report_id=report.report_id,
                             errors=[*assessment.errors, *warnings])
    if assessment.change is Change.DUPLICATE:
        # Nothing changes, so nothing is sent again; the answer still names what was left out.
        assert held is not None
        return ReportOutcome("accepted", report.report_id, Change.DUPLICATE, warnings=warnings,
                             signal_id=held.signal_id)
    current = ValidReport(merged(report, held.report if held else None), warnings)
    signal_id = await _accept(uow, repo, deps, sent, current, held.signal_id if held else uuid.uuid4(),
                              channel=channel)
    return ReportOutcome("accepted", report.report_id, assessment.change, warnings=warnings, signal_id=signal_id)


async def _accept(uow: UnitOfWork, repo: ReportRepository, deps: IntakeDependencies, sent: Sent,
                  validated: ValidReport, signal_id: uuid.UUID, *, channel: Channel) -> uuid.UUID:
    """Store the raw report and the signal as it now stands (with any warnings), and emit its
    ArrearsReported, and the warnings to the partner."""
    current, warnings = validated.report, [w.as_dict() for w in validated.warnings]
    assert current.client is not None
    privacy = deps.privacy
    arrears = current.arrears
    municipality = arrears.municipality_code
    household = privacy.household_key(municipality, current.client)
    person = privacy.person_key(municipality, current.client)
    raw_report_id = await repo.add_raw(partner_id=current.partner_id, channel=channel, source=sent.source,
                                       payload=sent.incoming.raw, media_type=sent.incoming.media_type,
                                       report_id=current.report_id)
    state = canonical(current)
    await repo.save_signal(signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
                           municipality_code=municipality, household_key=household, person_key=person,
                           category=arrears.category.value, status=arrears.status.value,
                           report=state, version=version_digest(state), raw_report_id=raw_report_id,
                           warnings=warnings)
    event = ArrearsReported(
        signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
        category=arrears.category, status=arrears.status, amount=arrears.amount, signal_date=arrears.signal_date,
        arrears_since=arrears.arrears_since, crisis=arrears.crisis, warm_handover=arrears.warm_handover,
        person_key=person, contact=privacy.seal(current.client),
    )
    uow.emit(Envelope.wrap(event, producer=SERVICE, municipality_code=municipality, household_key=household,
                           correlation_id=correlation_id_of(current.partner_id, current.report_id)))
    if warnings:
        _tell_partner(uow, current.partner_id, current.report_id, ReportAcceptedWithWarnings(
            partner_id=current.partner_id, report_id=current.report_id, channel=channel,
            accepted_at=datetime.now(UTC), reasons=[FieldReason(**w) for w in warnings]))
    return signal_id


async def _reject(uow: UnitOfWork, repo: ReportRepository, sent: Sent, *, channel: Channel, report_id: str | None,
                  errors: list[FieldError]) -> ReportOutcome:
    incoming, sender = sent.incoming, sent.sender
    reasons = [e.as_dict() for e in errors]
    await repo.lock_bytes(sender, incoming.raw)
    earlier = await repo.rejection_of(sender, incoming.raw)
    if earlier is not None and not earlier.replayed and earlier.reasons == reasons:
        # The same bytes, the same answer: nothing new stored or sent.
        return ReportOutcome.refused(earlier.report_id, earlier.rejection_id, earlier.reasons)
    if earlier is not None:  # refused for other reasons now (or again): the partner hears them
        rejection_id = earlier.rejection_id
        await repo.refuse_again(rejection_id, reasons)
    else:
        raw_report_id = await repo.add_raw(partner_id=sender, channel=channel, source=sent.source, payload=incoming.raw,
                                           media_type=incoming.media_type, report_id=report_id)
        rejection_id = await repo.add_rejection(raw_report_id=raw_report_id, partner_id=sender, report_id=report_id,
                                                raw=incoming.raw, reasons=reasons)
    _tell_partner(uow, sender, report_id or str(rejection_id), ReportRejected(
        rejection_id=rejection_id, partner_id=sender, report_id=report_id, channel=channel,
        rejected_at=datetime.now(UTC), reasons=[FieldReason(**r) for r in reasons]))
    return ReportOutcome("rejected", report_id, reasons=tuple(errors), rejection_id=rejection_id)


def _tell_partner(uow: UnitOfWork, partner_id: str, key: str,
                  message: ReportRejected | ReportAcceptedWithWarnings) -> None:
    """Put a message for the partner on its own rejections topic, keyed by its report id. The message
    names fields and reasons, never values."""
    message_id = uuid.uuid4()
    uow.emit_raw(event_id=message_id, topic=topics.partner_rejections(partner_id), key=key,
                 payload=message.model_dump_json().encode(),
                 headers={"event_type": message.message_type, "event_id": str(message_id)})
