"""Erasure: take a request and ask every service, erase consent's own data, and track the answers. Staff
request and read only their own municipalities' erasures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.audit_log import AuditLog
from ..adapters.erasure_store import ErasureStore
from ..adapters.repository import ConsentRepository
from ..adapters.sql import read_one_snapshot
from ..config import SERVICE
from ..domain.audit import Record
from ..domain.erasure import ErasureReason, ErasureRequest, Receipt
from ..domain.scope import municipalities_to_list, require_in_scope
from ..domain.staff import StaffMember

log = structlog.get_logger(__name__)


async def request_erasure(uow: UnitOfWork, *, municipality_code: str, household_key: str,
                          person_key: str | None, reason: ErasureReason, expected_services: tuple[str, ...],
                          staff: StaffMember) -> ErasureRequest:
    """Store the request and publish ErasureRequested for the household; its id is the correlation id."""
    require_in_scope(staff, "erasure_request", municipality_code)
    audit = await AuditLog.locked(uow.conn)
    request = ErasureRequest(uuid.uuid4(), municipality_code, reason.value, staff.staff_id, datetime.now(UTC),
                             expected_services)
    await ErasureStore(uow.conn).add(request, household_key=household_key, person_key=person_key)
    await audit.record(Record("erasure_requested", staff.staff_id, {
        "request_id": request.request_id, "reason": request.reason, "services": list(expected_services),
    }), subjects=[household_key, person_key])
    uow.emit(Envelope.wrap(
        ErasureRequested(request_id=request.request_id, person_key=person_key, reason=reason.value),
        producer=SERVICE, municipality_code=municipality_code, household_key=household_key,
        correlation_id=request.request_id, occurred_at=request.requested_at))
    return request


async def erase_own_data(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete the household's (and its persons') consents, decisions and audit links, then answer.

    The audit entries stay, chain intact: they hold audit references, and with the links gone nothing
    ties them to the household any more.
    """
    request, household_key = envelope.payload, envelope.household_key
    audit = await AuditLog.locked(uow.conn)
    repo = ConsentRepository(uow.conn)
    person_keys = await repo.person_keys_of_household(household_key)
    if request.person_key:
        person_keys.add(request.person_key)
    deleted = await repo.erase(household_key=household_key, person_keys=person_keys)
    deleted["audit_links"] = await audit.forget([household_key, *person_keys])
    await audit.record(Record("erasure_performed", SERVICE, {"request_id": request.request_id, "deleted": deleted}))
    uow.emit(envelope.caused(ErasureCompleted(request_id=request.request_id, service=SERVICE, deleted=deleted),
                             producer=SERVICE))
    return deleted


async def record_erasure_receipt(uow: UnitOfWork, envelope: Envelope[ErasureCompleted]) -> ErasureRequest | None:
    """Note one service's answer; the request completes when the last expected service has answered."""
    answer = envelope.payload
    audit = await AuditLog.locked(uow.conn)
    store = ErasureStore(uow.conn)
    request = await store.get(answer.request_id, for_update=True)
    if request is None or answer.service not in request.expected_services:
        log.warning("erasure_receipt_ignored", request_id=str(answer.request_id), service=answer.service,
                    known_request=request is not None)
        return None
    receipt = Receipt(answer.service, dict(answer.deleted), envelope.occurred_at)
    if not await store.add_receipt(request.request_id, receipt):
        return request  # this service answered before; its first receipt stands
    await audit.record(Record("erasure_receipt", answer.service, {
        "request_id": request.request_id, "service": answer.service, "deleted": receipt.deleted,
        "answered_at": receipt.answered_at}))
    request = await store.get(request.request_id)
    assert request is not None
    if request.complete and request.completed_at is None:
        household_key = await store.household_of(request.request_id)
        at = datetime.now(UTC)
        await store.complete(request.request_id, at)
        if household_key is not None:
            await store.await_relay(household_key)
        await audit.record(Record("erasure_completed", SERVICE, {"request_id": request.request_id}))
        request = await store.get(request.request_id)
    return request


# The reads below see one snapshot: an erasure request and its receipts are two queries, and between
# them a last receipt may complete the request. Under read committed the answer could then say
# "complete" with no completion time.

async def erasure_requests(uow: UnitOfWork, *, staff: StaffMember, municipality_code: str | None, status: str | None,
                           limit: int) -> list[ErasureRequest]:
    """The requests of the staff member's municipalities, or of the one asked for (OutOfScope if not theirs)."""
    municipalities = municipalities_to_list(staff, "erasure_requests", municipality_code)
    await read_one_snapshot(uow.conn)
    return await ErasureStore(uow.conn).list(municipalities=municipalities, status=status, limit=limit)


async def erasure_request(uow: UnitOfWork, request_id: uuid.UUID, staff: StaffMember) -> ErasureRequest | None:
    """None: no such request; OutOfScope: a request of another municipality."""
    await read_one_snapshot(uow.conn)
    request = await ErasureStore(uow.conn).get(request_id)
    if request is not None:
        require_in_scope(staff, "erasure_request", request.municipality_code, request_id)
    return request
