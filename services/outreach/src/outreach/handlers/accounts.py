"""Managing staff accounts: create, disable and enable, set a password, list. Used by the
supervisor's page and the `python -m outreach staff` command. Every change is in the audit log."""

from __future__ import annotations

from datetime import datetime

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit
from ..adapters.accounts import AccountRepository, SessionRepository
from ..adapters.passwords import Passwords
from ..domain.accounts import Account, check_new_account, check_password
from ..domain.errors import InvalidInput


async def create_account(uow: UnitOfWork, account: Account, password: str | None, *, passwords: Passwords,
                         by: audit.Reader) -> Account:
    """Raises InvalidInput naming the field (a taken username included)."""
    check_new_account(account.username, account.display_name, account.role, account.municipalities, password)
    added = await AccountRepository(uow.conn).add(
        account, password_hash=passwords.hash(password) if password is not None else None, created_by=by.staff_id)
    if not added:
        raise InvalidInput("username", "Deze gebruikersnaam bestaat al.")
    await audit.record(uow.conn, by, "write:account", detail=f"created {account.username} ({account.role})")
    return account


async def set_disabled(uow: UnitOfWork, username: str, disabled: bool, *, by: audit.Reader, now: datetime) -> None:
    """Disabling ends the account's sessions at once. Raises InvalidInput for an unknown username."""
    if not await AccountRepository(uow.conn).set_disabled(username, disabled):
        raise InvalidInput("username", "Er is geen account met deze gebruikersnaam.")
    if disabled:
        await SessionRepository(uow.conn).end_all_of(username, now)
    await audit.record(uow.conn, by, "write:account", detail=f"{'disabled' if disabled else 'enabled'} {username}")


async def set_password(uow: UnitOfWork, username: str, password: str, *, passwords: Passwords, by: audit.Reader,
                       now: datetime) -> None:
    """A new password ends the account's other sessions."""
    check_password(password)
    if not await AccountRepository(uow.conn).set_password(username, passwords.hash(password)):
        raise InvalidInput("username", "Er is geen account met deze gebruikersnaam.")
    await SessionRepository(uow.conn).end_all_of(username, now)
    await audit.record(uow.conn, by, "write:account", detail=f"new password for {username}")


async def list_accounts(uow: UnitOfWork) -> list[tuple[Account, datetime, str]]:
    """Every account with when and by whom it was created; active ones first."""
    return await AccountRepository(uow.conn).all()
