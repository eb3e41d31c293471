"""The admin API: switch visits on or off at run time, for every instance at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends

from .. import casework
from ..adapters import audit, switches
from ..adapters.staff import Staff
from .api_models import VisitsIn, VisitsOut
from .auth import allow, reader, roles_note

if TYPE_CHECKING:
    from ..bootstrap import Outreach


def router(outreach: Outreach) -> APIRouter:
    api = APIRouter(prefix="/v1/admin", tags=["admin"])
    admin = allow(outreach.staff, "admin")
    viewers = allow(outreach.staff, "admin", "supervisor")
    default = outreach.deps.rules.visits_enabled

    @api.get("/visits", response_model=VisitsOut, description=roles_note("admin", "supervisor")
             + " Whether home visits are on, and who switched them last (null: the configured default).")
    async def visits(staff: Staff = Depends(viewers)) -> VisitsOut:
        switch = await switches.read(outreach.runtime.db, switches.VISITS, default=default)
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at)

    @api.put("/visits", response_model=VisitsOut, description=roles_note("admin")
             + " Switch home visits on or off. Off turns every visit still planned or waiting on the worklist"
               " into a follow-up letter.")
    async def switch_visits(body: VisitsIn, staff: Staff = Depends(admin)) -> VisitsOut:
        async with outreach.runtime.db.acquire() as conn, conn.transaction():
            result = await casework.switch_visits(conn, body.enabled, staff_id=staff.staff_id, deps=outreach.deps)
            await audit.record(conn, reader(staff), "admin:visits", (),
                               f"{'on' if body.enabled else 'off'}; {result.visits_replaced} visits became letters")
            switch = await switches.read(conn, switches.VISITS, default=default)
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at,
                         visits_replaced=result.visits_replaced)

    return api
