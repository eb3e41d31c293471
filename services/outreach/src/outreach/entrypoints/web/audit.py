"""The auditor's page: who read or changed which case, and when, filterable by staff member and case;
and, on request, the check of the audit log's hash chain ("Keten intact" or where it broke)."""

from __future__ import annotations

import re
import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.audit_chain import ChainReport
from ...handlers.audit_log import audit_entries, verify_chain
from ...handlers.dependencies import OutreachDependencies
from .pages import render
from .session import Visitor, signed_in

PAGE_SIZE = 50
STAFF_ID = re.compile(r"^[A-Za-z0-9:._-]{1,100}$")
ACTIONS = {"read:case": "Zaak bekeken", "read:contact": "Contactgegevens bekeken", "read:letter": "Brief bekeken",
           "read:todays-work": "Werkbak bekeken", "read:worklist": "Werklijst bekeken", "read:cases": "Zaken bekeken",
           "read:figures": "Cijfers bekeken", "read:ddas": "DDAS-aanlevering gemaakt", "read:kpi": "KPI's bekeken",
           "write:attempt": "Contactpoging vastgelegd", "write:outcome": "Zaak gesloten", "write:note": "Notitie",
           "write:assignment": "Toewijzing", "write:visits": "Huisbezoeken aan/uit", "write:account": "Account gewijzigd",
           "read:audit": "Inzagelog bekeken", "read:audit-chain": "Keten van het inzagelog gecontroleerd",
           "refused:case": "Geweigerd: zaak van een andere gemeente",
           "sign-in": "Aangemeld", "sign-in:refused": "Aanmelden geweigerd"}


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk/inzage", include_in_schema=False)
    auditing = signed_in(runtime, deps, "audit")

    @pages.get("")
    async def log(request: Request, medewerker: str = "", zaak: str = "", pagina: int = 0, keten: str = "",
                  visitor: Visitor = Depends(auditing)) -> Response:
        errors: dict[str, str] = {}
        staff_id = medewerker.strip() or None
        if staff_id is not None and not STAFF_ID.match(staff_id):
            errors["medewerker"] = "Vul een gebruikersnaam in (letters, cijfers, punt, streepje)."
            staff_id = None
        case_id = None
        if zaak.strip():
            try:
                case_id = uuid.UUID(zaak.strip())
            except ValueError:
                errors["zaak"] = "Vul het volledige zaaknummer in (zoals op de zaakpagina)."
        page = max(0, min(pagina, 10_000))
        chain: ChainReport | None = None
        async with pooled_unit_of_work(runtime.db) as uow:
            # Only on request: the check reads the whole log, too slow for every page view. It goes
            # first, before this unit appends and so holds the audit log's lock.
            if keten == "controleren":
                chain = await verify_chain(uow, reader=visitor.reader)
            entries = await audit_entries(uow, reader=visitor.reader, case_id=case_id, staff_id=staff_id, since=None,
                                          until=None, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE)
        return render(request, "audit.html", visitor, status_code=422 if errors else 200,
                      entries=entries[:PAGE_SIZE], more=len(entries) > PAGE_SIZE, page=page, errors=errors,
                      values={"medewerker": medewerker, "zaak": zaak}, actions=ACTIONS, chain=chain)

    return pages
