"""Referrals need consent: ask the consent service (DataShareRequested), and act on its decision:
send the package with only the granted data, or record the denial on the case."""

from __future__ import annotations

from datetime import UTC, datetime

from opentelemetry import trace

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareDenied, DataShareGranted, DataShareRequested
from vroeg_runtime.telemetry import continued
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.referrals import ReferralRepository, ReferralSink
from ..adapters.repository import CaseRepository
from ..config import SERVICE
from ..domain.case import Case
from ..domain.referral import ArrearsLine, Referral, package

_tracer = trace.get_tracer(__name__)


async def request_share(uow: UnitOfWork, case: Case, referral: Referral, *, requested_by: str) -> None:
    """Store the referral and ask consent about the resident: the person pseudonym of the case's
    signals (partners that gave a BSN). Without one, consent can only deny."""
    cases = CaseRepository(uow.conn)
    await ReferralRepository(uow.conn).add(request_id=referral.request_id, case_id=case.case_id,
                                           recipient=referral.recipient, purpose=referral.purpose,
                                           data_categories=list(referral.requested), requested_by=requested_by)
    await cases.add_timeline(case.case_id, "referral_requested", {
        "request_id": str(referral.request_id), "recipient": referral.recipient, "purpose": referral.purpose,
        "data_categories": list(referral.requested), "by": requested_by})
    person_key = next((s["person_key"] for s in await cases.signals(case.case_id) if s["person_key"]), None)
    request = DataShareRequested(request_id=referral.request_id, person_key=person_key, requester=SERVICE,
                                 recipient=referral.recipient, purpose=referral.purpose,
                                 data_categories=list(referral.requested))
    # The referral continues the report's trace (consent's decision then joins it); the caseworker's
    # HTTP request is kept as a link.
    request_span = trace.get_current_span().get_span_context()
    with continued(case.trace_context), _tracer.start_as_current_span(
            "outreach referral", links=[trace.Link(request_span)] if request_span.is_valid else []):
        uow.emit(Envelope.wrap(request, producer=SERVICE, municipality_code=case.municipality_code,
                               household_key=case.household_key, correlation_id=case.correlation_id))


async def act_on_decision(uow: UnitOfWork, envelope: Envelope[DataShareGranted | DataShareDenied],
                          sink: ReferralSink) -> str:
    """Send the granted package or record the denial. Returns what happened (for the log line)."""
    decision = envelope.payload
    referrals = ReferralRepository(uow.conn)
    referral = await referrals.for_update(decision.request_id)
    if referral is None:
        return "not_ours"  # another service's request, or a case erased meanwhile
    if referral.status != "requested":
        return "decided_already"
    repo = CaseRepository(uow.conn)
    case = await repo.case_for_update(referral.case_id)
    assert case is not None  # referrals are deleted with their case
    decided_at = datetime.now(UTC)
    if isinstance(decision, DataShareDenied):
        await referrals.mark_denied(referral.request_id, reason=decision.reason, decided_at=decided_at)
        await repo.add_timeline(case.case_id, "referral_denied", {"request_id": str(referral.request_id),
                                                                  "reason": decision.reason})
        return "denied"
    # Only arrears still open: a withdrawn signal was sent in error, a resolved one is paid or arranged.
    arrears = [ArrearsLine(s["partner_id"], s["category"], s["amount"], s["arrears_since"])
               for s in await repo.signals(case.case_id, open_only=True)]
    content = package(Referral(referral.request_id, referral.recipient, referral.purpose, referral.data_categories),
                      decision.permitted_fields, contact=case.contact, arrears=arrears, outcome=case.outcome,
                      created_at=decided_at)
    sent_to = await sink.send(referral.request_id, content, municipality_code=case.municipality_code)
    await referrals.mark_sent(referral.request_id, permitted=content["granted_categories"], sent_to=sent_to,
                              decided_at=decided_at)
    await repo.add_timeline(case.case_id, "referral_sent", {"request_id": str(referral.request_id),
                                                            "recipient": referral.recipient,
                                                            "granted": content["granted_categories"]})
    return "sent"
