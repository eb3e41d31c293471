"""Rendering the workplace's pages: the Jinja2 templates with their Dutch formatting, the menu per
role, the security headers every page gets, and the pages for a refusal."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from vroeg_contracts.privacy import ContactDetails
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.accounts import ROLE_NAMES
from ...domain.calendar import AMSTERDAM
from ...domain.case import reference
from ...domain.errors import CaseNotFound, CaseOutOfScope, MunicipalityOutOfScope
from ...domain.figures import scale
from ...domain.names import full_name
from ...handlers.refusals import record_refusal
from .session import Visitor

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# Scripts and styles only from the workplace itself; no framing by other sites; forms post here only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self';"
                               " frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold residents' data: never in a shared or back-button cache
}
# (label, path, area): the menu shows what the role may reach.
MENU = (("Werkbak", "/werk", "casework"), ("Sturing", "/werk/sturing", "steering"),
        ("Medewerkers", "/werk/medewerkers", "accounts"), ("Inzagelog", "/werk/inzage", "audit"))


def dutch_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(AMSTERDAM).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def dutch_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    local = value.astimezone(AMSTERDAM)
    return f"{dutch_date(local)} om {local:%H:%M}"


def euro(value: Decimal | float | None) -> str:
    if value is None:
        return "–"
    whole, cents = f"{Decimal(value):,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def percentage(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def resident_name(contact: ContactDetails) -> str:
    return full_name(contact.initials, contact.prefix, contact.surname)


def case_reference(case_id: uuid.UUID | str) -> str:
    return reference(uuid.UUID(str(case_id)))


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(datum=dutch_date, datumtijd=dutch_datetime, euro=euro, procent=percentage,
                             ref=case_reference, naam=resident_name)
templates.env.globals.update(ROLE_NAMES=ROLE_NAMES, zip=zip, scale=scale)


def render(request: Request, template: str, visitor: Visitor | None, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    menu = [(label, path) for label, path, area in MENU if visitor is not None and visitor.account.may(area)]
    response = templates.TemplateResponse(request, template, {"visitor": visitor, "menu": menu,
                                                              "path": request.url.path, **context},
                                          status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def see_other(request: Request, url: str) -> Response:
    """After a form: to the next page (303), so reloading does not post again. An htmx request gets
    the same, and htmx follows it."""
    response = RedirectResponse(url, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def sign_in_url(back_to: str, expired: bool = False) -> str:
    query = {"terug": back_to, **({"verlopen": "1"} if expired else {})}
    return "/werk/aanmelden?" + urlencode(query, quote_via=quote)


def refusal(request: Request, status_code: int, title: str, message: str, visitor: Visitor | None = None) -> HTMLResponse:
    return render(request, "refusal.html", visitor, status_code=status_code, title=title, message=message)


async def case_not_found(request: Request, runtime: ServiceRuntime, visitor: Visitor, error: CaseNotFound,
                         what: str) -> HTMLResponse:
    """404 for an unknown case and for another municipality's alike (no existence leak); the latter
    is a refusal, written to the audit log and the log."""
    if isinstance(error, CaseOutOfScope):
        async with pooled_unit_of_work(runtime.db) as uow:
            await record_refusal(uow, visitor.reader, error, what)
    return refusal(request, 404, "Zaak niet gevonden", "Deze zaak bestaat niet, of hoort bij een andere gemeente.",
                   visitor)


async def municipality_not_found(request: Request, runtime: ServiceRuntime, visitor: Visitor,
                                 error: MunicipalityOutOfScope, what: str) -> HTMLResponse:
    """404 for a municipality the visitor does not serve, as for one that does not exist; audited."""
    async with pooled_unit_of_work(runtime.db) as uow:
        await record_refusal(uow, visitor.reader, error, what)
    return refusal(request, 404, "Gemeente niet gevonden",
                   "Deze gemeente bestaat niet in Vroeg, of u werkt niet voor deze gemeente.", visitor)
