"""The supervisor's pages: the figures as charts (each with its table) for one of their municipalities
or all of them together, the visits switch of each, and the DDAS delivery of a period and a
municipality as a download. Another municipality is "not found", and the refusal is audited."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...adapters.ddas_schema import DeliveryInvalid
from ...domain.errors import InvalidInput, MunicipalityOutOfScope
from ...domain.figures import month_label
from ...domain.scope import narrowed
from ...domain.todays_work import BUCKET_NAMES
from ...handlers.dependencies import OutreachDependencies
from ...handlers.figures import figures
from ...handlers.reporting import ddas_delivery
from ...handlers.switch_visits import switch_visits, visits_switches
from .forms import today
from .pages import SECURITY_HEADERS, municipality_not_found, render, see_other
from .session import Visitor, signed_in

DONE = {"aan": "Huisbezoeken staan aan in {}.", "uit": "Huisbezoeken staan uit in {}. Geplande huisbezoeken worden brieven."}


def last_month(day: date) -> tuple[date, date]:
    end = day.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk/sturing", include_in_schema=False)
    steering = signed_in(runtime, deps, "steering")

    def chosen(visitor: Visitor, gemeente: str) -> tuple[str, ...]:
        """The municipalities the page counts: the one chosen, or all of the visitor's."""
        return narrowed(visitor.account.municipalities, gemeente or None) or visitor.account.municipalities

    async def show(request: Request, visitor: Visitor, gemeente: str = "", *, status_code: int = 200,
                   errors: dict[str, str] | None = None, period: dict[str, str] | None = None) -> Response:
        counted = chosen(visitor, gemeente)
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await figures(uow, today(), reader=visitor.reader, municipalities=counted,
                                  past=deps.past_figures, inhabitants=deps.inhabitants_of(counted))
            switches = await visits_switches(uow, deps, visitor.reader)
        start, end = last_month(today())
        signal_series = [(kind, [m.signals.get(kind, 0) for m in found.months]) for kind in found.partner_types]
        bucket_rows = [(BUCKET_NAMES[bucket], count) for bucket, count in found.backlog.items()]
        names = {code: deps.municipality_name(code) for code in visitor.account.municipalities}
        done = DONE.get(request.query_params.get("huisbezoeken", ""))
        return render(request, "steering.html", visitor, status_code=status_code, figures=found, switches=switches,
                      signal_series=signal_series, bucket_rows=bucket_rows, names=names, gemeente=gemeente,
                      counted=", ".join(names[code] for code in counted),
                      labels=[month_label(m.month) for m in found.months],
                      errors=errors or {},
                      period=period or {"van": start.isoformat(), "tot": end.isoformat(), "gemeente": gemeente},
                      done=done.format(names.get(request.query_params.get("gemeente", ""), "")) if done else None)

    @pages.get("")
    async def overview(request: Request, gemeente: str = "", visitor: Visitor = Depends(steering)) -> Response:
        try:
            return await show(request, visitor, gemeente)
        except MunicipalityOutOfScope as error:
            return await municipality_not_found(request, runtime, visitor, error, "steering")

    @pages.post("/huisbezoeken")
    async def switch(request: Request, gemeente: str = Form(default=""), aan: str = Form(default=""),
                     visitor: Visitor = Depends(steering)) -> Response:
        if aan not in ("ja", "nee"):
            return await show(request, visitor, status_code=422, errors={f"aan-{gemeente}": "Kies aan of uit."})
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                await switch_visits(uow, deps, gemeente, aan == "ja", reader=visitor.reader)
        except MunicipalityOutOfScope as error:
            return await municipality_not_found(request, runtime, visitor, error, "visits switch")
        state = "aan" if aan == "ja" else "uit"
        return see_other(request, f"/werk/sturing?huisbezoeken={state}&gemeente={gemeente}#huisbezoeken")

    @pages.get("/ddas")
    async def delivery(request: Request, van: str = "", tot: str = "", gemeente: str = "",
                       visitor: Visitor = Depends(steering)) -> Response:
        period = {"van": van, "tot": tot, "gemeente": gemeente}
        errors: dict[str, str] = {}
        days: dict[str, date] = {}
        for name in ("van", "tot"):
            try:
                days[name] = date.fromisoformat(period[name])
            except ValueError:
                errors[name] = "Vul een datum in, zoals 2026-11-01."
        if not errors:
            try:
                async with pooled_unit_of_work(runtime.db) as uow:
                    report = await ddas_delivery(uow, days["van"], days["tot"], reader=visitor.reader,
                                                 supplier_code=deps.settings.ddas_supplier_code, writers=deps.writers,
                                                 municipality=gemeente or None)
            except MunicipalityOutOfScope as error:
                return await municipality_not_found(request, runtime, visitor, error, "ddas")
            except InvalidInput:
                errors["tot"] = "De einddatum ligt voor de begindatum, of de periode is te lang."
            except DeliveryInvalid:
                errors["van"] = "De aanlevering voldoet niet aan het DDAS-schema; neem contact op met beheer."
        if errors:
            return await show(request, visitor, status_code=422, errors=errors, period=period)
        name = f"ddas-{gemeente or '-'.join(visitor.account.municipalities)}-{van}-{tot}.json"
        return Response(json.dumps(report.content, ensure_ascii=False, indent=2), media_type="application/json",
                        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})

    return pages
