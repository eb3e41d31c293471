"""Today's work (*werkbak*): the buckets with their counts, the filters, paging, and taking a case
("Ik pak deze op") or, for a supervisor, handing it to a colleague."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.accounts import HOME_AREA
from ...domain.errors import CaseAlreadyClosed, CaseNotFound, CaseTakenByOther, InvalidInput
from ...domain.todays_work import (
    BUCKET_HINTS,
    BUCKET_NAMES,
    BUCKETS,
    CATEGORY_NAMES,
    INTENSITY_NAMES,
    WorkFilter,
    categories_in_words,
    parse_filter,
)
from ...handlers.assignment import reassign_case, take_case
from ...handlers.dependencies import OutreachDependencies
from ...handlers.todays_work import todays_work
from .forms import today
from .pages import case_not_found, refusal, render, see_other
from .session import Visitor, now, signed_in
from .sign_in import HOME, safe_back_to


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk", include_in_schema=False)
    casework = signed_in(runtime, deps, "casework")
    assigning = signed_in(runtime, deps, "assigning")
    anyone = signed_in(runtime, deps, None)

    @pages.get("")
    async def work(request: Request, pagina: int = 0, visitor: Visitor = Depends(anyone)) -> Response:
        if not visitor.account.may("casework"):  # /werk is everyone's address: to the role's own start
            return see_other(request, HOME[HOME_AREA[visitor.account.role]])
        raw = dict(request.query_params)
        errors: dict[str, str] = {}
        try:
            work_filter = parse_filter(raw)
        except InvalidInput as error:
            errors[error.field] = error.reason
            work_filter = WorkFilter()
        page = max(0, min(pagina, 10_000))
        async with pooled_unit_of_work(runtime.db) as uow:
            found = await todays_work(uow, today(), work_filter, page=page, reader=visitor.reader,
                                      municipalities=visitor.account.municipalities)
        return render(request, "todays_work.html", visitor, status_code=422 if errors else 200, work=found,
                      errors=errors, raw=raw, buckets=BUCKETS, bucket_names=BUCKET_NAMES, bucket_hints=BUCKET_HINTS,
                      categories=CATEGORY_NAMES, intensities=INTENSITY_NAMES, in_words=categories_in_words,
                      back_to=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))

    @pages.post("/zaken/{case_id}/oppakken")
    async def take(request: Request, case_id: uuid.UUID, terug: str | None = Form(default=None),
                   visitor: Visitor = Depends(casework)) -> Response:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                await take_case(uow, case_id, reader=visitor.reader, now=now())
        except CaseTakenByOther as taken:
            return refusal(request, 409, "Al opgepakt",
                           f"Deze zaak is al opgepakt door {taken.holder}. Kies een andere zaak.", visitor)
        except CaseAlreadyClosed:
            return refusal(request, 409, "Zaak gesloten", "Deze zaak is al gesloten.", visitor)
        except CaseNotFound as error:
            return await case_not_found(request, runtime, visitor, error, "take")
        return see_other(request, safe_back_to(terug) or f"/werk/zaken/{case_id}")

    @pages.post("/zaken/{case_id}/toewijzen")
    async def reassign(request: Request, case_id: uuid.UUID, assign_to: str = Form(default="", max_length=100),
                       visitor: Visitor = Depends(assigning)) -> Response:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                await reassign_case(uow, case_id, assign_to or None, reader=visitor.reader, now=now())
        except InvalidInput as error:
            return refusal(request, 422, "Niet toegewezen", error.reason, visitor)
        except CaseAlreadyClosed:
            return refusal(request, 409, "Zaak gesloten", "Deze zaak is al gesloten.", visitor)
        except CaseNotFound as error:
            return await case_not_found(request, runtime, visitor, error, "assign")
        return see_other(request, f"/werk/zaken/{case_id}?gedaan=toegewezen")

    return pages
