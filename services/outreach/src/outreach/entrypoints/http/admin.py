"""The admin API: switch visits on or off at run time, for every instance at once."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.staff_directory import Staff
from ...handlers.dependencies import OutreachDependencies
from ...handlers.switch_visits import switch_visits as switch_visits_for_all
from ...handlers.switch_visits import visits_switch
from .auth import allow, reader, roles_note
from .models import VisitsIn, VisitsOut


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    api = APIRouter(prefix="/v1/admin", tags=["admin"])
    admin = allow(deps.staff, "admin")
    viewers = allow(deps.staff, "admin", "supervisor")

    @api.get("/visits", response_model=VisitsOut, description=roles_note("admin", "supervisor")
             + " Whether home visits are on, and who switched them last (null: the configured default).")
    async def visits(staff: Staff = Depends(viewers)) -> VisitsOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            switch = await visits_switch(uow, deps.rules)
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at)

    @api.put("/visits", response_model=VisitsOut, description=roles_note("admin")
             + " Switch home visits on or off. Off turns every visit still planned or waiting on the worklist"
               " into a follow-up letter.")
    async def switch_visits(body: VisitsIn, staff: Staff = Depends(admin)) -> VisitsOut:
        async with pooled_unit_of_work(runtime.db) as uow:
            result = await switch_visits_for_all(uow, body.enabled, reader=reader(staff), rules=deps.rules)
        switch = result.switch
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at,
                         visits_replaced=result.visits_replaced)

    return api
