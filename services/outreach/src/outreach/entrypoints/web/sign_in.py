"""Signing in and out. The form's CSRF token is a double-submit cookie (there is no session yet);
the session cookie is HttpOnly and SameSite, and Secure behind HTTPS (OUTREACH_WEB_SECURE_COOKIE)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.accounts import HOME_AREA
from ...handlers.dependencies import OutreachDependencies
from ...handlers.sign_in import sign_in as check_sign_in
from ...handlers.sign_in import sign_out
from .pages import render, see_other
from .session import COOKIE, SIGN_IN_COOKIE, Visitor, now, same_token, signed_in

HOME = {"casework": "/werk", "steering": "/werk/sturing", "audit": "/werk/inzage"}
REFUSALS = {
    "wrong": "De gebruikersnaam of het wachtwoord klopt niet.",
    "locked": "Dit account is tijdelijk geblokkeerd na te veel pogingen. Probeer het over een kwartier opnieuw,"
              " of vraag uw teamleider om hulp.",
}


def safe_back_to(value: str | None) -> str | None:
    """Only a page of the workplace itself: never another site after signing in."""
    if value and value.startswith("/werk") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk", include_in_schema=False)
    anyone = signed_in(runtime, deps, None)

    def form(request: Request, *, status_code: int = 200, error: str | None = None, username: str = "",
             back_to: str | None = None, expired: bool = False) -> Response:
        token = secrets.token_urlsafe(32)
        response = render(request, "sign_in.html", None, status_code=status_code, error=error, username=username,
                          back_to=back_to, expired=expired, csrf_token=token)
        response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict", path="/werk/aanmelden",
                            secure=deps.settings.web_secure_cookie)
        return response

    @pages.get("/aanmelden")
    async def sign_in_form(request: Request, terug: str | None = None, verlopen: str | None = None) -> Response:
        return form(request, back_to=safe_back_to(terug), expired=verlopen == "1")

    @pages.post("/aanmelden")
    async def sign_in(request: Request, username: str = Form(default="", max_length=100),
                      password: str = Form(default="", max_length=256), csrf_token: str = Form(default=""),
                      terug: str | None = Form(default=None)) -> Response:
        back_to = safe_back_to(terug)
        if not same_token(request.cookies.get(SIGN_IN_COOKIE, ""), csrf_token):
            return form(request, status_code=403, username=username, back_to=back_to,
                        error="Het formulier was verlopen. Vul uw gegevens nog eens in.")
        if not username.strip() or not password:
            return form(request, status_code=422, username=username, back_to=back_to,
                        error="Vul uw gebruikersnaam en wachtwoord in.")
        async with pooled_unit_of_work(runtime.db) as uow:
            result = await check_sign_in(uow, username, password, passwords=deps.passwords,
                                         policy=deps.sign_in_policy, now=now())
        if result.account is None or result.session_token is None:
            return form(request, status_code=401, username=username, back_to=back_to,
                        error=REFUSALS[result.refusal or "wrong"])
        response = see_other(request, back_to or HOME[HOME_AREA[result.account.role]])
        response.set_cookie(COOKIE, result.session_token, httponly=True, samesite="lax", path="/werk",
                            secure=deps.settings.web_secure_cookie)
        response.delete_cookie(SIGN_IN_COOKIE, path="/werk/aanmelden")
        return response

    @pages.post("/afmelden")
    async def sign_out_now(request: Request, visitor: Visitor = Depends(anyone)) -> Response:
        async with pooled_unit_of_work(runtime.db) as uow:
            await sign_out(uow, request.cookies[COOKIE], now=now())
        response = see_other(request, "/werk/aanmelden?afgemeld=1")
        response.delete_cookie(COOKIE, path="/werk")
        return response

    return pages
