"""The case page: who reported what, the decision and why, the letters, the timeline, the contact
details (shown on request: an audited read), and the forms to log an attempt, add a note, and close
the case with its outcome (with a referral, once the resident consents)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.ddas_lists import CONTACT_KINDS, DAY_PARTS, OUTCOMES, REFERRAL_OUTCOMES
from ...domain.errors import CaseAlreadyClosed, CaseNotFound, CaseOutOfScope, InvalidInput
from ...domain.notes import MAX_NOTE_LENGTH
from ...domain.referral import DATA_CATEGORIES
from ...domain.todays_work import CATEGORY_NAMES, INTENSITY_NAMES, explain
from ...handlers.assignment import colleagues
from ...handlers.dependencies import OutreachDependencies
from ...handlers.notes import add_note
from ...handlers.read_cases import case_page as read_case_page
from ...handlers.read_cases import contact_details, letter_pdf
from ...handlers.record_outcome import record_outcome
from ...handlers.register_attempt import register_attempt
from .forms import DATA_CATEGORY_NAMES, Submitted, today, use_case_error
from .forms import attempt as attempt_form
from .forms import note as note_form
from .forms import outcome as outcome_form
from .pages import SECURITY_HEADERS, case_not_found, refusal, render, see_other
from .session import Visitor, signed_in

TIMELINE = {"opened": "Zaak geopend", "escalated": "Zwaarder ingeschat", "letter_sent": "Brief verstuurd",
            "call_due": "Bellen staat klaar", "visit_due": "Huisbezoek staat klaar", "attempt": "Contactpoging",
            "closed": "Zaak gesloten", "assigned": "Toegewezen", "note": "Notitie toegevoegd",
            "referral_requested": "Toestemming gevraagd voor doorverwijzing",
            "referral_sent": "Doorverwijzing verstuurd (toestemming gegeven)",
            "referral_denied": "Geen toestemming voor doorverwijzing",
            "signal_not_picked_up": "Melding niet opgepakt", "signals_joined": "Melding toegevoegd aan de zaak",
            "not_picked_up_status_changed": "Status van een niet-opgepakte melding gewijzigd",
            "signal_withdrawn": "Melding ingetrokken", "signal_resolved": "Melding opgelost",
            "letter_in_error": "Eerste brief onterecht verstuurd: alle meldingen zijn ingetrokken",
            "visit_replaced_by_letter": "Huisbezoek wordt een brief"}
LETTER_KINDS = {"first": "Eerste brief", "follow_up": "Vervolgbrief"}
STEPS = {"first_letter": "Eerste brief", "call": "Bellen", "visit": "Huisbezoek", "follow_up_letter": "Vervolgbrief"}
DONE = {"poging": "De contactpoging is vastgelegd.", "notitie": "De notitie is opgeslagen.",
        "gesloten": "De zaak is gesloten.", "toegewezen": "De zaak is toegewezen.", "opgepakt": "U werkt nu aan deze zaak."}
NOT_FOUND = ("Zaak niet gevonden", "Deze zaak bestaat niet, of hoort bij een andere gemeente.")


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk/zaken", include_in_schema=False)
    casework = signed_in(runtime, deps, "casework")

    def partner_name(municipality_code: str, partner_id: str) -> str:
        writer = deps.writers.get(municipality_code)
        return writer.partner_name(partner_id) if writer else partner_id

    async def show(request: Request, case_id: uuid.UUID, visitor: Visitor, *, status_code: int = 200,
                   with_contact: bool = False, form: str | None = None,
                   submitted: Submitted | None = None) -> Response:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                page = await read_case_page(uow, case_id, reader=visitor.reader, with_contact=with_contact)
                team = await colleagues(uow, page["case"]["municipality_code"]) if page else []
        except CaseNotFound as error:
            return await case_not_found(request, runtime, visitor, error, "case page")
        if page is None:
            return refusal(request, 404, *NOT_FOUND, visitor)
        case = page["case"]
        categories = [s["category"] for s in page["signals"]]
        context: dict[str, Any] = {
            "case": case, "page": page, "explanation": explain(case["intensity"], case["action"], categories),
            "partner_name": lambda pid: partner_name(case["municipality_code"], pid),
            "colleagues": team, "contact_kinds": CONTACT_KINDS, "day_parts": DAY_PARTS, "outcomes": OUTCOMES,
            "referral_outcomes": REFERRAL_OUTCOMES, "data_categories": DATA_CATEGORIES,
            "data_category_names": DATA_CATEGORY_NAMES, "categories": CATEGORY_NAMES,
            "intensities": INTENSITY_NAMES, "timeline_names": TIMELINE, "letter_kinds": LETTER_KINDS, "steps": STEPS,
            "done": DONE.get(request.query_params.get("gedaan", "")), "today": today(),
            "max_note_length": MAX_NOTE_LENGTH, "form": form,
            "submitted": submitted or Submitted({}),
        }
        return render(request, "case.html", visitor, status_code=status_code, **context)

    @pages.get("/{case_id}")
    async def case(request: Request, case_id: uuid.UUID, visitor: Visitor = Depends(casework)) -> Response:
        return await show(request, case_id, visitor)

    @pages.get("/{case_id}/contact")
    async def contact(request: Request, case_id: uuid.UUID, visitor: Visitor = Depends(casework)) -> Response:
        """The page again, with the contact details: asking for them is the audited read."""
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                await contact_details(uow, case_id, reader=visitor.reader)
        except CaseNotFound as error:
            return await case_not_found(request, runtime, visitor, error, "contact details")
        return await show(request, case_id, visitor, with_contact=True)

    @pages.get("/{case_id}/brieven/{letter_id}")
    async def letter(request: Request, case_id: uuid.UUID, letter_id: uuid.UUID,
                     visitor: Visitor = Depends(casework)) -> Response:
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                pdf = await letter_pdf(uow, case_id, letter_id, reader=visitor.reader, mailbox=deps.mailbox)
        except CaseOutOfScope as error:
            return await case_not_found(request, runtime, visitor, error, "letter")
        except CaseNotFound:
            return refusal(request, 404, "Brief niet gevonden", "Deze brief is er niet (meer).", visitor)
        return Response(pdf, media_type="application/pdf", headers={
            **SECURITY_HEADERS, "Content-Disposition": f'inline; filename="brief-{str(letter_id)[:8]}.pdf"'})

    async def act(request: Request, case_id: uuid.UUID, visitor: Visitor, form: str, submitted: Submitted,
                  work: Any, done: str) -> Response:
        """Run a use case for a posted form: back to the page with a confirmation, or the page again
        with the errors beside their fields and what was typed."""
        if submitted.ok:
            try:
                async with pooled_unit_of_work(runtime.db) as uow:
                    await work(uow)
                return see_other(request, f"/werk/zaken/{case_id}?gedaan={done}#{form}")
            except InvalidInput as error:
                use_case_error(submitted, error.field, error.reason)
            except CaseAlreadyClosed:
                return refusal(request, 409, "Zaak gesloten", "Deze zaak is al gesloten; er kan niets meer bij.",
                               visitor)
            except CaseNotFound as error:
                return await case_not_found(request, runtime, visitor, error, form)
        return await show(request, case_id, visitor, status_code=422, form=form, submitted=submitted)

    @pages.post("/{case_id}/pogingen")
    async def log_attempt(request: Request, case_id: uuid.UUID, visitor: Visitor = Depends(casework)) -> Response:
        submitted, attempt = attempt_form(await request.form())
        return await act(request, case_id, visitor, "poging", submitted, lambda uow: register_attempt(
            uow, case_id, attempt, reader=visitor.reader, deps=deps), "poging")

    @pages.post("/{case_id}/notities")
    async def note(request: Request, case_id: uuid.UUID, visitor: Visitor = Depends(casework)) -> Response:
        submitted = note_form(await request.form())
        return await act(request, case_id, visitor, "notitie", submitted, lambda uow: add_note(
            uow, case_id, submitted.values["tekst"], reader=visitor.reader), "notitie")

    @pages.post("/{case_id}/afsluiten")
    async def close(request: Request, case_id: uuid.UUID, visitor: Visitor = Depends(casework)) -> Response:
        submitted, outcome, referral = outcome_form(await request.form())
        return await act(request, case_id, visitor, "afsluiten", submitted, lambda uow: record_outcome(
            uow, case_id, outcome, reader=visitor.reader, referral=referral), "gesloten")

    return pages
