"""The team's workplace: server-rendered pages in Dutch (FastAPI, Jinja2, htmx) under /werk, for
caseworkers, supervisors, admins and auditors, signed in with a password and a server-side session.
Styling is the NL Design System's (Utrecht components and tokens), served from the npm packages
that `make venv` installs into services/outreach/web/node_modules; nothing of theirs is in the repo."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vroeg_runtime.service import ServiceRuntime

from ...handlers.dependencies import OutreachDependencies
from . import accounts, audit, case_page, sign_in, steering, todays_work
from .pages import is_htmx, refusal, sign_in_url
from .session import FormExpired, NotAllowed, SignInNeeded

log = structlog.get_logger(__name__)
STATIC = Path(__file__).parent / "static"
# URL folder -> folder in node_modules: only the built files of the packages the pages use.
VENDOR = {"utrecht-css": "@utrecht/component-library-css/dist", "utrecht-tokens": "@utrecht/design-tokens/dist",
          "htmx": "htmx.org/dist"}


def register(app: FastAPI, runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    assets = deps.settings.web_assets_dir
    missing = [package for package in VENDOR.values() if not (assets / package).is_dir()]
    if missing:
        log.warning("workplace_assets_missing", folder=str(assets), missing=missing,
                    fix="run `make venv` (npm ci in services/outreach/web)")
    for name, package in VENDOR.items():
        app.mount(f"/werk/static/{name}", StaticFiles(directory=assets / package, check_dir=False), name=f"web-{name}")
    app.mount("/werk/static/app", StaticFiles(directory=STATIC), name="web-app")
    for module in (sign_in, todays_work, case_page, steering, accounts, audit):
        app.include_router(module.router(runtime, deps))

    @app.get("/", include_in_schema=False)
    async def home() -> Response:
        return RedirectResponse("/werk", status_code=307)

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, error: SignInNeeded) -> Response:
        # After signing in, back to the page asked for (for a form: the page it was on).
        page = request.url if request.method == "GET" else urlsplit(request.headers.get("HX-Current-URL", "/werk"))
        back_to = page.path + (f"?{page.query}" if page.query else "")
        target = sign_in_url(back_to if back_to.startswith("/werk") else "/werk", expired=error.expired)
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, error: NotAllowed) -> Response:
        return refusal(request, 403, "Geen toegang", "Deze pagina is niet voor uw rol. Vraag uw teamleider als u"
                       " denkt dat u er wel bij moet kunnen.", error.visitor)

    @app.exception_handler(FormExpired)
    async def form_expired(request: Request, _: FormExpired) -> Response:
        return refusal(request, 403, "Formulier verlopen", "Dit formulier is verlopen of komt niet van deze"
                       " werkplek. Laad de pagina opnieuw en probeer het nog eens.")
