"""Staff accounts, for a supervisor or admin: the list, a new account, disabling and enabling."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ...domain.accounts import ROLE_NAMES, ROLES, Account
from ...domain.errors import InvalidInput
from ...handlers.accounts import create_account, list_accounts, set_disabled
from ...handlers.dependencies import OutreachDependencies
from .forms import Submitted, municipalities_of
from .forms import account as account_form
from .pages import render, see_other
from .session import Visitor, now, signed_in

DONE = {"aangemaakt": "Het account is aangemaakt.", "uitgeschakeld": "Het account is uitgeschakeld; de"
        " medewerker is afgemeld.", "ingeschakeld": "Het account is weer ingeschakeld."}


def router(runtime: ServiceRuntime, deps: OutreachDependencies) -> APIRouter:
    pages = APIRouter(prefix="/werk/medewerkers", include_in_schema=False)
    managing = signed_in(runtime, deps, "accounts")

    async def show(request: Request, visitor: Visitor, *, status_code: int = 200,
                   submitted: Submitted | None = None) -> Response:
        async with pooled_unit_of_work(runtime.db) as uow:
            accounts = await list_accounts(uow)
        return render(request, "accounts.html", visitor, status_code=status_code, accounts=accounts,
                      role_options=[(r, ROLE_NAMES[r]) for r in ROLES], role_names=ROLE_NAMES, now=now(), done=DONE.get(request.query_params.get("gedaan", "")),
                      submitted=submitted or Submitted({"municipalities": " ".join(visitor.account.municipalities)}))

    @pages.get("")
    async def overview(request: Request, visitor: Visitor = Depends(managing)) -> Response:
        return await show(request, visitor)

    @pages.post("")
    async def create(request: Request, visitor: Visitor = Depends(managing)) -> Response:
        submitted = account_form(await request.form())
        values = submitted.values
        municipalities = municipalities_of(values["municipalities"])
        if visitor.account.role != "admin" and not set(municipalities) <= set(visitor.account.municipalities):
            submitted.errors["municipalities"] = "U kunt alleen accounts maken voor uw eigen gemeente(n)."
        if values["role"] == "admin" and visitor.account.role != "admin":
            submitted.errors["role"] = "Alleen een beheerder kan een beheerder aanmaken."
        if submitted.ok:
            try:
                async with pooled_unit_of_work(runtime.db) as uow:
                    await create_account(uow, Account(values["username"], values["display_name"], values["role"],
                                                      municipalities), values["password"], passwords=deps.passwords,
                                         by=visitor.reader)
                return see_other(request, "/werk/medewerkers?gedaan=aangemaakt")
            except InvalidInput as error:
                submitted.errors[error.field] = error.reason
        values["password"] = ""  # never sent back to the browser
        return await show(request, visitor, status_code=422, submitted=submitted)

    @pages.post("/{username}/{change}")
    async def switch(request: Request, username: str, change: str, visitor: Visitor = Depends(managing)) -> Response:
        if change not in ("uitschakelen", "inschakelen") or username == visitor.account.username:
            return await show(request, visitor, status_code=422, submitted=Submitted(
                {}, {"username": "U kunt uw eigen account niet uitschakelen."}))
        try:
            async with pooled_unit_of_work(runtime.db) as uow:
                await set_disabled(uow, username, change == "uitschakelen", by=visitor.reader, now=now())
        except InvalidInput as error:
            return await show(request, visitor, status_code=422, submitted=Submitted({}, {"username": error.reason}))
        return see_other(request, f"/werk/medewerkers?gedaan={'uitgeschakeld' if change == 'uitschakelen' else 'ingeschakeld'}")

    return pages
