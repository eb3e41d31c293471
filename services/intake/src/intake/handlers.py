"""Intake's use cases: take one partner report, from any way in, and record the answer durably; take
a stream of CSV rows in batches; replay a stored rejection once its cause is fixed."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Literal

import asyncpg

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, correlation_id_of
from vroeg_contracts.events import ArrearsReported
from vroeg_contracts.partner_messages import FieldReason, ReportRejected
from vroeg_contracts.partner_report import PartnerReportV1
from vroeg_runtime.outbox import OutboxMessage

from .adapters.batch_repository import BatchedReportRepository, NotLoaded
from .adapters.privacy import Privacy
from .adapters.repository import HeldRejection, PendingRejection, ReportRepository
from .domain.lifecycle import Change, assess, canonical, merged, version_digest
from .domain.validation import FieldError, ValidationContext, readable_report_id, validate_report
from .incoming import IncomingReport, stored_report

SERVICE = "intake"
Channel = Literal["kafka", "http", "csv", "replay"]


@dataclass(frozen=True)
class ReportOutcome:
    """The answer a partner gets for one report."""

    status: Literal["accepted", "rejected"]
    report_id: str | None
    change: Change | None = None
    reasons: tuple[FieldError, ...] = ()
    signal_id: uuid.UUID | None = None
    rejection_id: uuid.UUID | None = None

    @classmethod
    def refused(cls, rejection: HeldRejection) -> ReportOutcome:
        return cls("rejected", rejection.report_id, rejection_id=rejection.rejection_id,
                   reasons=tuple(FieldError(r["field"], r["reason"]) for r in rejection.reasons))

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"report_id": self.report_id, "status": self.status}
        if self.change is not None:
            answer["change"] = self.change.value
        if self.reasons:
            answer["reasons"] = [r.as_dict() for r in self.reasons]
        if self.rejection_id is not None:
            answer["rejection_id"] = str(self.rejection_id)
        return answer


async def take_report(repo: ReportRepository, incoming: IncomingReport, *, sender: str, channel: Channel,
                      source: str, context: ValidationContext, privacy: Privacy,
                      reconsider: bool = False) -> ReportOutcome:
    """Validate, deduplicate and store one report with its outgoing events. Call inside a transaction.

    The same bytes refused before get the same answer, unless `reconsider` (a replay after a fix).
    """
    if not reconsider:
        earlier = await repo.rejection_of(sender, incoming.raw)
        if earlier is not None and not earlier.replayed:
            return ReportOutcome.refused(earlier)
    report = list(incoming.errors) or validate_report(incoming.data, sender=sender, context=context)
    if isinstance(report, list):
        return await _reject(repo, incoming, sender=sender, channel=channel, source=source,
                             report_id=readable_report_id(incoming.data), errors=report)

    await repo.lock_report_id(report.partner_id, report.report_id)
    held = await repo.signal_for_update(report.partner_id, report.report_id)
    assessment = assess(report, held.report if held else None, held.versions if held else ())
    if assessment.errors:
        return await _reject(repo, incoming, sender=sender, channel=channel, source=source,
                             report_id=report.report_id, errors=assessment.errors)
    if assessment.change is Change.DUPLICATE:
        assert held is not None
        return ReportOutcome("accepted", report.report_id, Change.DUPLICATE, signal_id=held.signal_id)
    signal_id = await _accept(repo, incoming, merged(report, held.report if held else None),
                              held.signal_id if held else uuid.uuid4(), channel=channel, source=source, privacy=privacy)
    return ReportOutcome("accepted", report.report_id, assessment.change, signal_id=signal_id)


@dataclass(frozen=True)
class Sent:
    """A report as one of a batch: what came in, from whom, and where it was read (for the raw store)."""

    incoming: IncomingReport
    sender: str
    source: str


async def take_many(conn: asyncpg.Connection, batch: Sequence[Sent], *, channel: Channel,
                    context: ValidationContext, privacy: Privacy,
                    within: Callable[[int], AbstractContextManager[object]] = lambda _: nullcontext()
                    ) -> list[ReportOutcome]:
    """Take a batch of reports in the caller's transaction, with a few statements for the whole batch
    instead of a few per report (`BatchedReportRepository`); each report is judged in order, seeing
    what the reports before it did. `within(i)` wraps the taking of report i (a trace span, say).

    Raises `NotLoaded` when a report needs what was not loaded up front: roll back and take the
    reports one by one.
    """
    repo = BatchedReportRepository(conn)
    await repo.load(reports=[(s.sender, report_id) for s in batch if (report_id := readable_report_id(s.incoming.data))],
                    raws=[(s.sender, s.incoming.raw) for s in batch])
    outcomes = []
    for index, sent in enumerate(batch):
        with within(index):
            outcomes.append(await take_report(repo, sent.incoming, sender=sent.sender, channel=channel,
                                              source=sent.source, context=context, privacy=privacy))
    await repo.flush()
    return outcomes


async def _accept(repo: ReportRepository, incoming: IncomingReport, current: PartnerReportV1, signal_id: uuid.UUID, *,
                  channel: Channel, source: str, privacy: Privacy) -> uuid.UUID:
    """Store the raw report and the signal as it now stands, and its ArrearsReported in the outbox."""
    assert current.client is not None
    arrears = current.arrears
    municipality = arrears.municipality_code
    household = privacy.household_key(municipality, current.client)
    person = privacy.person_key(municipality, current.client)
    raw_report_id = await repo.add_raw(partner_id=current.partner_id, channel=channel, source=source,
                                       payload=incoming.raw, media_type=incoming.media_type,
                                       report_id=current.report_id)
    state = canonical(current)
    await repo.save_signal(signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
                           municipality_code=municipality, household_key=household, person_key=person,
                           category=arrears.category.value, status=arrears.status.value,
                           report=state, version=version_digest(state), raw_report_id=raw_report_id)
    event = ArrearsReported(
        signal_id=signal_id, partner_id=current.partner_id, report_id=current.report_id,
        category=arrears.category, status=arrears.status, amount=arrears.amount, signal_date=arrears.signal_date,
        arrears_since=arrears.arrears_since, crisis=arrears.crisis, warm_handover=arrears.warm_handover,
        person_key=person, contact=privacy.seal(current.client),
    )
    await repo.add_outgoing(OutboxMessage.of(Envelope.wrap(
        event, producer=SERVICE, municipality_code=municipality, household_key=household,
        correlation_id=correlation_id_of(current.partner_id, current.report_id))))
    return signal_id


async def _reject(repo: ReportRepository, incoming: IncomingReport, *, sender: str, channel: Channel, source: str,
                  report_id: str | None, errors: list[FieldError]) -> ReportOutcome:
    reasons = [e.as_dict() for e in errors]
    await repo.lock_bytes(sender, incoming.raw)
    earlier = await repo.rejection_of(sender, incoming.raw)
    if earlier is not None and not earlier.replayed and earlier.reasons == reasons:
        return ReportOutcome.refused(earlier)  # the same bytes, the same answer: nothing new stored or sent
    if earlier is not None:  # refused for other reasons now (or again): the partner hears them
        rejection_id = earlier.rejection_id
        await repo.refuse_again(rejection_id, reasons)
    else:
        raw_report_id = await repo.add_raw(partner_id=sender, channel=channel, source=source, payload=incoming.raw,
                                           media_type=incoming.media_type, report_id=report_id)
        rejection_id = await repo.add_rejection(raw_report_id=raw_report_id, partner_id=sender, report_id=report_id,
                                                raw=incoming.raw, reasons=reasons)
    # The partner hears back on its own topic; the message names fields and reasons, never values.
    message = ReportRejected(rejection_id=rejection_id, partner_id=sender, report_id=report_id, channel=channel,
                             rejected_at=datetime.now(UTC), reasons=[FieldReason(**r) for r in reasons])
    message_id = uuid.uuid4()
    await repo.add_outgoing(OutboxMessage.raw(
        event_id=message_id, topic=topics.partner_rejections(sender), key=report_id or str(rejection_id),
        payload=message.model_dump_json().encode(), headers={"event_type": "ReportRejected", "event_id": str(message_id)}))
    return ReportOutcome("rejected", report_id, reasons=tuple(errors), rejection_id=rejection_id)


Take = Callable[[asyncpg.Connection, IncomingReport], Awaitable[ReportOutcome]]
TakeBatch = Callable[[asyncpg.Connection, list[IncomingReport]], Awaitable[list[ReportOutcome]]]


@dataclass
class ImportCounts:
    """What a CSV import did, for the final line of the command (and its tests)."""

    accepted: int = 0
    duplicates: int = 0  # accepted before: nothing changed
    rejected: int = 0
    first_rejections: list[tuple[int, ReportOutcome]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.accepted + self.rejected

    def add(self, position: int, outcome: ReportOutcome, keep_rejections: int = 20) -> None:
        if outcome.status == "accepted":
            self.accepted += 1
            self.duplicates += outcome.change is Change.DUPLICATE
        else:
            self.rejected += 1
            if len(self.first_rejections) < keep_rejections:
                self.first_rejections.append((position, outcome))


async def take_in_batches(conn: asyncpg.Connection, reports: Iterable[IncomingReport], take: Take, *,
                          take_batch: TakeBatch | None = None, batch_size: int = 500,
                          after_batch: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
    """Take a stream of reports, one transaction per batch, holding one batch in memory at a time:
    with `take_batch` (a few statements per batch) when given, else, or when the batch needs what
    it did not load (`NotLoaded`), with `take`, report by report.

    A crash loses at most the batch in flight, and running the same stream again changes nothing:
    what was taken is recognised (the same report, or the same bytes refused).
    """
    counts = ImportCounts()
    stream = iter(reports)
    while batch := list(islice(stream, batch_size)):
        try:
            if take_batch is None:
                raise NotLoaded("no batch taker")
            async with conn.transaction():
                outcomes = await take_batch(conn, batch)
        except NotLoaded:
            async with conn.transaction():
                outcomes = [await take(conn, report) for report in batch]
        for report, outcome in zip(batch, outcomes, strict=True):
            counts.add(report.position, outcome)
        if after_batch is not None:
            after_batch(counts)
    return counts


@dataclass(frozen=True)
class ReplayResult:
    rejection_id: uuid.UUID
    source: str
    outcome: ReportOutcome | None  # None when there is no such rejection


async def replay_rejection(conn: asyncpg.Connection, rejection_id: uuid.UUID, *, context: ValidationContext,
                           privacy: Privacy) -> ReplayResult:
    """Take a stored rejection's bytes again, reconsidered (channel `replay`), and mark the rejection
    replayed when the report is accepted now. Call inside a transaction."""
    repo = ReportRepository(conn)
    stored = await repo.rejection_for_replay(rejection_id)
    if stored is None:
        return ReplayResult(rejection_id, "", None)
    outcome = await take_report(repo, stored_report(stored.payload, stored.media_type), sender=stored.partner_id,
                                channel="replay", source=f"replay:{rejection_id}", context=context, privacy=privacy,
                                reconsider=True)
    if outcome.status == "accepted":
        await repo.mark_replayed(rejection_id, outcome.signal_id)
    return ReplayResult(rejection_id, stored.source, outcome)


async def pending_rejections(conn: asyncpg.Connection, partner_id: str | None,
                             since: datetime | None) -> list[PendingRejection]:
    """The rejections still waiting for a replay, oldest first (a read, for the replay command)."""
    return await ReportRepository(conn).pending_rejections(partner_id, since)
