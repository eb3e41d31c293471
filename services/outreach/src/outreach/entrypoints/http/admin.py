"""The admin API: switch home visits on or off at run time, per municipality, for every instance at once."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.staff_directory import Staff
from ...domain.errors import MunicipalityOutOfScope
from ...handlers.dependencies import OutreachDependencies
from ...handlers.switch_visits import switch_visits as switch_visits_of
from ...handlers.switch_visits import visits_switch, visits_switches
from .auth import allow, reader, roles_note
from .errors import refused
from .models import MunicipalVisitsOut, VisitsIn, VisitsOut

MUNICIPALITY = Path(pattern=r"^\d{4}$", description="the CBS code, such as 0437")


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    api = APIRouter(prefix="/v1/admin", tags=["admin"])
    admin = allow(deps.staff, "admin")
    viewers = allow(deps.staff, "admin", "supervisor")

    @api.get("/visits", response_model=list[MunicipalVisitsOut], description=roles_note("admin", "supervisor")
             + " Whether home visits are on in each of the caller's municipalities, and who switched them last"
               " (null: the configured default).")
    async def all_visits(staff: Staff = Depends(viewers)) -> list[MunicipalVisitsOut]:
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await visits_switches(uow, deps, reader(staff))
        return [MunicipalVisitsOut(municipality_code=m.municipality_code, enabled=m.switch.enabled,
                                   changed_by=m.switch.changed_by, changed_at=m.switch.changed_at) for m in found]

    @api.get("/visits/{municipality_code}", response_model=VisitsOut, description=roles_note("admin", "supervisor")
             + " Whether home visits are on in one municipality. Another municipality's switch is not found (404).")
    async def visits(municipality_code: str = MUNICIPALITY, staff: Staff = Depends(viewers)) -> VisitsOut:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                switch = await visits_switch(uow, deps, reader(staff), municipality_code)
        except MunicipalityOutOfScope as error:
            raise await refused(runtime, reader(staff), error, "GET /v1/admin/visits") from None
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at)

    @api.put("/visits/{municipality_code}", response_model=VisitsOut, description=roles_note("admin")
             + " Switch home visits on or off in one municipality; the others keep theirs. Off turns every visit"
               " of that municipality still planned or waiting on the worklist into a follow-up letter.")
    async def switch_visits(body: VisitsIn, municipality_code: str = MUNICIPALITY,
                            staff: Staff = Depends(admin)) -> VisitsOut:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                result = await switch_visits_of(uow, deps, municipality_code, body.enabled, reader=reader(staff))
        except MunicipalityOutOfScope as error:
            raise await refused(runtime, reader(staff), error, "PUT /v1/admin/visits") from None
        switch = result.switch
        return VisitsOut(enabled=switch.enabled, changed_by=switch.changed_by, changed_at=switch.changed_at,
                         visits_replaced=result.visits_replaced)

    return api
