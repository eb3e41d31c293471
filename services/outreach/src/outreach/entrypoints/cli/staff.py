"""Staff accounts of the workplace from the command line:

    python -m outreach staff add USERNAME --name "Display Name" --role caseworker \\
        --municipality 0437 [--municipality 0363 ...] [--password-stdin]
    python -m outreach staff disable USERNAME
    python -m outreach staff enable USERNAME
    python -m outreach staff password USERNAME [--password-stdin]
    python -m outreach staff list

Without --password-stdin the password is asked twice (not shown); with it, one line is read from
standard input. Works on outreach's database (OUTREACH_DATABASE_URL) and applies its migrations
first, so the first admin can be added before the service has ever started. Every change is in the
audit log, by `command:<your user name>`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import UTC, datetime

import asyncpg

from vroeg_runtime import logs
from vroeg_runtime.migrations import migrate
from vroeg_runtime.unit_of_work import unit_of_work

from ...adapters.audit import Reader
from ...adapters.passwords import Passwords
from ...config import SERVICE, SERVICE_DIR, OutreachSettings
from ...domain.accounts import ROLES, Account, check_new_account, check_password
from ...domain.errors import InvalidInput
from ...handlers.accounts import create_account, list_accounts, set_disabled, set_password

PROG = "python -m outreach staff"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0].rstrip(":") + ".",
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{add,disable,enable,password,list}")
    add = commands.add_parser("add", help="add an account")
    add.add_argument("username", help="2 to 63 lower-case letters, digits, '.', '-' or '_'")
    add.add_argument("--name", required=True, help="the name the workplace shows")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--municipality", dest="municipalities", action="append", required=True, metavar="CODE",
                     help="a CBS municipality code whose cases the account may open (repeat for more)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, what in (("disable", "disable an account and end its sessions"), ("enable", "enable an account")):
        command = commands.add_parser(name, help=what)
        command.add_argument("username")
    password = commands.add_parser("password", help="set an account's password and end its sessions")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)
    if hasattr(args, "username"):
        args.username = args.username.strip().lower()  # signing in is case-insensitive too
    if hasattr(args, "municipalities"):
        args.municipalities = tuple(dict.fromkeys(code.strip() for code in args.municipalities))
    return args


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidInput("password", "Er kwam geen wachtwoord binnen op standaardinvoer.")
        password = line.rstrip("\r\n")
        check_password(password)  # before connecting (the handler checks again)
        return password
    first = getpass.getpass("Password: ")
    check_password(first)  # before asking again
    if getpass.getpass("Password again: ") != first:
        raise InvalidInput("password", "De twee wachtwoorden zijn niet gelijk.")
    return first


def status(account: Account, now: datetime) -> str:
    if account.disabled:
        return "disabled"
    if account.is_locked(now):
        assert account.locked_until is not None
        return f"locked until {account.locked_until.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return "active"


def table(accounts: list[Account], now: datetime) -> str:
    header = ("USERNAME", "NAME", "ROLE", "MUNICIPALITIES", "STATUS")
    rows = [header] + [(a.username, a.display_name, a.role, ",".join(a.municipalities), status(a, now))
                       for a in accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]])
                     for row in rows)


async def run(args: argparse.Namespace, settings: OutreachSettings, password: str | None) -> str:
    """Carries out the command in one unit of work; returns what to print."""
    by = Reader(f"command:{getpass.getuser()}", "command")
    now = datetime.now(UTC)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await migrate(conn, SERVICE, SERVICE_DIR / "migrations")
        async with unit_of_work(conn) as uow:
            if args.command == "add":
                account = Account(args.username, args.name.strip(), args.role, args.municipalities)
                await create_account(uow, account, password, passwords=Passwords(), by=by)
                return (f"added {account.username} ({account.display_name}), {account.role} for "
                        f"{', '.join(account.municipalities)}")
            if args.command in ("disable", "enable"):
                disable = args.command == "disable"
                await set_disabled(uow, args.username, disable, by=by, now=now)
                return f"{args.username} {args.command}d" + (", its sessions ended" if disable else "")
            if args.command == "password":
                assert password is not None
                await set_password(uow, args.username, password, passwords=Passwords(), by=by, now=now)
                return f"new password for {args.username}, its sessions ended"
            accounts = [account for account, _, _ in await list_accounts(uow)]
        return table(accounts, now) if accounts else "no staff accounts yet"
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logs.configure(SERVICE, json_logs=False, level="WARNING")  # the command's own output is on stdout
    try:
        password = None
        if args.command == "add":
            # The fields first, so a typo is not found after the password was typed twice.
            check_new_account(args.username, args.name, args.role, args.municipalities, None)
        if args.command in ("add", "password"):
            password = read_password(args.password_stdin)
        print(asyncio.run(run(args, OutreachSettings(), password)))
        return 0
    except InvalidInput as error:
        print(f"staff: {error.field}: {error.reason}", file=sys.stderr)
        return 1
    except (OSError, asyncpg.PostgresError) as error:
        print(f"staff: database: {error}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("staff: stopped, nothing changed", file=sys.stderr)
        return 1
