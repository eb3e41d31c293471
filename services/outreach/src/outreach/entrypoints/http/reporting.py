"""The reporting API: the DDAS delivery for CBS, the KPI summary, the audit log and its chain check."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.staff_directory import Staff
from ...domain.errors import InvalidInput, MunicipalityOutOfScope
from ...handlers.audit_log import audit_entries, verify_chain
from ...handlers.dependencies import OutreachDependencies
from ...handlers.reporting import Report, ddas_delivery, kpi_summary
from .auth import allow, reader, roles_note
from .errors import invalid, refused
from .models import AuditChainOut, AuditEntryOut

PERIOD = {"from": Query(alias="from", description="first day, YYYY-MM-DD"),
          "to": Query(alias="to", description="last day, YYYY-MM-DD")}
MUNICIPALITY = Query(default=None, pattern=r"^\d{4}$",
                     description="one of the caller's municipalities (CBS code); default: all of them together")


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["reporting"])
    reporters = allow(deps.staff, "supervisor", "admin", "auditor")
    auditors = allow(deps.staff, "auditor")

    async def report(kind: str, start: dt.date, end: dt.date, municipality: str | None, staff: Staff) -> dict[str, Any]:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                result: Report
                if kind == "ddas":
                    result = await ddas_delivery(uow, start, end, reader=reader(staff), municipality=municipality,
                                                 supplier_code=deps.settings.ddas_supplier_code, writers=deps.writers)
                else:
                    result = await kpi_summary(uow, start, end, reader=reader(staff), municipality=municipality)
        except InvalidInput as error:
            raise invalid(error.field, error.reason, "query") from None
        except MunicipalityOutOfScope as error:
            raise await refused(runtime, reader(staff), error, f"GET /v1/{kind}") from None
        return result.content

    @api.get("/ddas", description=roles_note("supervisor", "admin", "auditor") + " The DDAS delivery (Uitwisselmodel"
             " v1.2) for the period, one `levering` per municipality: signals (also those not picked up) with the"
             " minimised client (BSN, or postcode and house number; no names or street), cases, contact attempts and"
             " outcomes, of the caller's municipalities or the one asked for (another municipality is not found:"
             " 404). Validated against the official schema before it is answered.")
    async def ddas(start: dt.date = PERIOD["from"], end: dt.date = PERIOD["to"], municipality: str | None = MUNICIPALITY,
                   staff: Staff = Depends(reporters)) -> dict[str, Any]:
        return await report("ddas", start, end, municipality, staff)

    @api.get("/kpi", description=roles_note("supervisor", "admin", "auditor") + " KPIs for the period in the spirit "
             "of the Divosa monitor: signals, cases, contact attempts, reach rate and help accepted, per partner type;"
             " of the caller's municipalities or the one asked for (another municipality is not found: 404).")
    async def kpi(start: dt.date = PERIOD["from"], end: dt.date = PERIOD["to"], municipality: str | None = MUNICIPALITY,
                  staff: Staff = Depends(reporters)) -> dict[str, Any]:
        return await report("kpi", start, end, municipality, staff)

    @api.get("/audit", response_model=list[AuditEntryOut], description=roles_note("auditor")
             + " Who read or changed which case data, and when; newest first. Only the rows about the caller's"
             " municipalities, and the caller's own rows about no case.")
    async def audit_log(case_id: uuid.UUID | None = None,
                        staff_id: str | None = Query(default=None, max_length=100, pattern=r"^[A-Za-z0-9:._-]+$"),
                        since: dt.datetime | None = None, until: dt.datetime | None = None,
                        limit: int = Query(default=100, ge=1, le=1000),
                        offset: int = Query(default=0, ge=0, le=1_000_000),
                        staff: Staff = Depends(auditors)) -> list[dict[str, Any]]:
        async with pooled_unit_of_work(runtime.db) as uow:
            return await audit_entries(uow, reader=reader(staff), case_id=case_id, staff_id=staff_id, since=since,
                                       until=until, limit=limit, offset=offset)

    @api.get("/audit/verify", response_model=AuditChainOut, description=roles_note("auditor")
             + " Checks the audit log's hash chain from its first row: whether it is intact, how many rows it"
             " holds, and the id of the first row that was changed, removed or reordered.")
    async def audit_chain(staff: Staff = Depends(auditors)) -> AuditChainOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            report = await verify_chain(uow, reader=reader(staff))
        return AuditChainOut(intact=report.intact, rows=report.rows, first_broken=report.first_broken)

    return api
