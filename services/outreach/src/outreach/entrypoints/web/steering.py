"""The supervisor's pages: the figures as charts (each with its table), the visits switch, and the
DDAS delivery of a period as a download."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.ddas_schema import DeliveryInvalid
from ...domain.errors import InvalidInput
from ...domain.figures import month_label
from ...domain.todays_work import BUCKET_NAMES
from ...handlers.dependencies import OutreachDependencies
from ...handlers.figures import figures
from ...handlers.reporting import ddas_delivery
from ...handlers.switch_visits import switch_visits, visits_switch
from .forms import today
from .pages import SECURITY_HEADERS, render, see_other
from .session import Visitor, signed_in

DONE = {"aan": "Huisbezoeken staan aan.", "uit": "Huisbezoeken staan uit. Geplande huisbezoeken worden brieven."}


def last_month(day: date) -> tuple[date, date]:
    end = day.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk/sturing", include_in_schema=False)
    steering = signed_in(runtime, deps, "steering")

    async def show(request: Request, visitor: Visitor, *, status_code: int = 200, errors: dict[str, str] | None = None,
                   period: dict[str, str] | None = None) -> Response:
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await figures(uow, today(), reader=visitor.reader, municipalities=visitor.account.municipalities,
                                  past=deps.past_figures)
            switch = await visits_switch(uow, deps.rules)
        start, end = last_month(today())
        signal_series = [(kind, [m.signals.get(kind, 0) for m in found.months]) for kind in found.partner_types]
        bucket_rows = [(BUCKET_NAMES[bucket], count) for bucket, count in found.backlog.items()]
        return render(request, "steering.html", visitor, status_code=status_code, figures=found, switch=switch,
                      signal_series=signal_series, bucket_rows=bucket_rows,
                      labels=[month_label(m.month) for m in found.months],
                      errors=errors or {},
                      period=period or {"van": start.isoformat(), "tot": end.isoformat()},
                      done=DONE.get(request.query_params.get("huisbezoeken", "")))

    @pages.get("")
    async def overview(request: Request, visitor: Visitor = Depends(steering)) -> Response:
        return await show(request, visitor)

    @pages.post("/huisbezoeken")
    async def switch(request: Request, aan: str = Form(default=""), visitor: Visitor = Depends(steering)) -> Response:
        if aan not in ("ja", "nee"):
            return await show(request, visitor, status_code=422, errors={"aan": "Kies aan of uit."})
        async with pooled_unit_of_work(runtime.db) as uow:
            await switch_visits(uow, aan == "ja", reader=visitor.reader, rules=deps.rules)
        return see_other(request, f"/werk/sturing?huisbezoeken={'aan' if aan == 'ja' else 'uit'}#huisbezoeken")

    @pages.get("/ddas")
    async def delivery(request: Request, van: str = "", tot: str = "", visitor: Visitor = Depends(steering)) -> Response:
        period = {"van": van, "tot": tot}
        errors: dict[str, str] = {}
        days: dict[str, date] = {}
        for name, value in period.items():
            try:
                days[name] = date.fromisoformat(value)
            except ValueError:
                errors[name] = "Vul een datum in, zoals 2026-11-01."
        if not errors:
            try:
                async with pooled_unit_of_work(runtime.db) as uow:
                    report = await ddas_delivery(uow, days["van"], days["tot"], reader=visitor.reader,
                                                 supplier_code=deps.settings.ddas_supplier_code, writers=deps.writers)
            except InvalidInput:
                errors["tot"] = "De einddatum ligt voor de begindatum, of de periode is te lang."
            except DeliveryInvalid:
                errors["van"] = "De aanlevering voldoet niet aan het DDAS-schema; neem contact op met beheer."
        if errors:
            return await show(request, visitor, status_code=422, errors=errors, period=period)
        name = f"ddas-{'-'.join(visitor.account.municipalities)}-{van}-{tot}.json"
        return Response(json.dumps(report.content, ensure_ascii=False, indent=2), media_type="application/json",
                        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})

    return pages
