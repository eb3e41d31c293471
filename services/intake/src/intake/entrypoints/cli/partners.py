"""Onboard, disable and list partners, as data, while intake runs (ADR 0016).

    python -m intake partners list
    python -m intake partners add essent --name Essent --category energy --municipality 0437 --municipality 0362
    python -m intake partners disable essent
    python -m intake partners token essent                       (a new HTTP token; the old one is refused)

`add` checks the entry, creates the partner's topics, its Kafka user and ACLs (and the services' on
its topics), and its HTTP token: printed once, only its SHA-256 is kept. `disable` refuses the
partner's HTTP token and deletes its Kafka credential and ACLs at once; what it sent stays. The
running intake reads the registry every INTAKE_PARTNERS_REFRESH_SECONDS: both count within seconds,
without a restart. Who did it, and when, is kept with the partner (`list`).

Run it where `make up` runs (a checkout with deploy/, the platform admin's Kafka credentials and
intake's database URL in the environment): `deploy/local/with-env.sh .venv/bin/python -m intake
partners ...`, or `make partners ARGS="..."`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import secrets
import sys
import tomllib
from datetime import datetime

import asyncpg

from vroeg_contracts.partner_report import AMSTERDAM
from vroeg_runtime import logs
from vroeg_runtime.staff_auth import token_sha256
from vroeg_runtime.unit_of_work import unit_of_work

from ...adapters.kafka_platform import KafkaPlatform, PlatformUnavailable
from ...adapters.partner_table import PartnerEntry
from ...bootstrap import connect, dependencies, load_registry
from ...config import SERVICE
from ...domain.partners import Partner, PartnerEntryError, checked_partner
from ...handlers.dependencies import IntakeDependencies
from ...handlers.partners import add_partner, disable_partner, partner_entries, partner_entry, replace_token

# The option each field of an entry comes from, to name it in an error.
OPTIONS = {"id": "ID", "name": "--name", "categories": "--category", "municipalities": "--municipality"}


class Refused(Exception):
    """The command cannot do what was asked; the message names the field and why."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake partners", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every partner: id, name, categories, municipalities, status")
    add = commands.add_parser("add", help="onboard a partner: topics, Kafka user and ACLs, HTTP token")
    add.add_argument("id", help="the partner's id, a slug that names its topics (e.g. essent)")
    add.add_argument("--name", required=True, help="the partner's name (e.g. Essent)")
    add.add_argument("--category", action="append", required=True,
                     help="a category it may report (repeat for more), e.g. energy")
    add.add_argument("--municipality", action="append", required=True,
                     help="the CBS code of a municipality it reports for (repeat for more), e.g. 0437")
    add.add_argument("--by", help="who onboards it (default: your user name)")
    disable = commands.add_parser("disable", help="refuse the partner from now on; its history stays")
    disable.add_argument("id")
    disable.add_argument("--by", help="who disables it (default: your user name)")
    token = commands.add_parser("token", help="a new HTTP token for a partner added with `add` (printed once)")
    token.add_argument("id")
    token.add_argument("--by", help="who replaces it (default: your user name)")
    args = parser.parse_args(argv)
    logs.configure(SERVICE, json_logs=False, level="WARNING")  # the command's own output is on stdout
    logging.getLogger("kafka").setLevel(logging.ERROR)  # kafka-python warns of SCRAM on a plaintext listener
    try:
        return asyncio.run(_run(dependencies(), args))
    except Refused as refused:
        parser.exit(2, f"{parser.prog} {args.command}: {refused}\n")
    except (PlatformUnavailable, ModuleNotFoundError) as error:
        parser.exit(1, f"{parser.prog} {args.command}: {error} (the Kafka side needs deploy/ and kafka-python)\n")


async def _run(deps: IntakeDependencies, args: argparse.Namespace) -> int:
    new = _entry(args, deps) if args.command == "add" else None  # refused before anything is touched
    conn = await connect(deps.settings)
    try:
        await load_registry(conn, deps)  # the default registry's partners are in the table, and taken
        async with unit_of_work(conn) as uow:
            if args.command == "list":
                _print_list(await partner_entries(uow))
                return 0
            entry = await partner_entry(uow, args.id)
        if new is not None:
            return await _add(conn, deps, new, entry, args.by or _user())
        if args.command == "token":
            return await _new_token(conn, deps, args.id, entry, args.by or _user())
        return await _disable(conn, deps, args.id, entry, args.by or _user())
    finally:
        await conn.close()


def _entry(args: argparse.Namespace, deps: IntakeDependencies) -> tuple[Partner, str]:
    token = secrets.token_urlsafe(32)
    try:
        partner = checked_partner(id=args.id, name=args.name, categories=args.category, municipalities=args.municipality,
                                  token_sha256=token_sha256(token), served=frozenset(deps.settings.municipalities))
    except PartnerEntryError as error:
        raise Refused(f"{OPTIONS.get(error.field, error.field)}: {error.reason}") from None
    return partner, token


async def _add(conn: asyncpg.Connection, deps: IntakeDependencies, new: tuple[Partner, str], entry: PartnerEntry | None, by: str) -> int:
    partner, token = new
    if entry is not None:
        raise Refused(f"ID: partner {partner.id!r} exists already ({_status(entry)}); an id is never reused")
    onboarded = await KafkaPlatform().onboard(partner.id)  # first: intake must find its topics once it knows it
    async with unit_of_work(conn) as uow:
        if not await add_partner(uow, partner, by=by):
            raise Refused(f"ID: partner {partner.id!r} was added meanwhile")
    print(f"{partner.id}: added ({partner.name}; {', '.join(sorted(partner.categories))};"
          f" {', '.join(sorted(partner.municipalities))}), by {by}")
    print(f"  Kafka: user {partner.id}, topics {', '.join(onboarded.topics)}, {onboarded.acls} ACLs")
    if onboarded.new_password:
        print(f"  Kafka password (shown this once; Kafka keeps only its SCRAM hash): {onboarded.new_password}")
    print(f"  HTTP token (shown this once; intake keeps only its SHA-256): {token}")
    # The mutual-TLS listener maps a certificate's CN to the same principal, so the ACLs above cover it.
    print(f"  Kafka over mutual TLS (clients without SCRAM): python -m vroeg_devtools.kafka_certs issue {partner.id}"
          " in development; a PKIoverheid certificate and its OIN rule in production (docs/operations.md)")
    print(f"  intake takes its reports within {deps.settings.partners_refresh_seconds:g} s, without a restart")
    return 0


async def _disable(conn: asyncpg.Connection, deps: IntakeDependencies, partner_id: str, entry: PartnerEntry | None, by: str) -> int:
    if entry is None:
        raise Refused(f"ID: no partner {partner_id!r} (known: {', '.join(sorted(deps.partners))})")
    async with unit_of_work(conn) as uow:
        disabled = await disable_partner(uow, partner_id, by=by)
    acls = await KafkaPlatform().revoke(partner_id)  # again too: running it twice mends a half-done disable
    what = "disabled" if disabled else f"was {_status(entry)}"
    print(f"{partner_id}: {what}; its Kafka password replaced by one nobody knows and {acls} ACLs deleted; its HTTP token is refused within"
          f" {deps.settings.partners_refresh_seconds:g} s. Its reports, rejections, feedback and topics stay.")
    if partner_id in _listed_in_topics_file():
        print(f"  note: {partner_id} is in deploy/topics.toml: remove it there too, or the next"
              " `apply_security.py` (make up) gives it its Kafka user back")
    return 0


async def _new_token(conn: asyncpg.Connection, deps: IntakeDependencies, partner_id: str,
                     entry: PartnerEntry | None, by: str) -> int:
    if entry is None or entry.disabled_at is not None:
        raise Refused(f"ID: no active partner {partner_id!r}")
    if entry.source == "file":
        raise Refused(f"ID: {partner_id!r} takes its token from {deps.settings.partners_file.name}: put the new"
                      " token's SHA-256 there and restart intake")
    token = secrets.token_urlsafe(32)
    async with unit_of_work(conn) as uow:
        if not await replace_token(uow, partner_id, token_sha256(token), by=by):
            raise Refused(f"ID: {partner_id!r} was disabled meanwhile")
    print(f"{partner_id}: new HTTP token, by {by}; the old one is refused within"
          f" {deps.settings.partners_refresh_seconds:g} s")
    print(f"  HTTP token (shown this once; intake keeps only its SHA-256): {token}")
    return 0


def _print_list(entries: list[PartnerEntry]) -> None:
    rows = [("ID", "NAME", "CATEGORIES", "MUNICIPALITIES", "STATUS", "ADDED")]
    rows += [(e.partner.id, e.partner.name, ",".join(sorted(e.partner.categories)),
              ",".join(sorted(e.partner.municipalities)), _status(e),
              f"{_when(e.added_at)} by {e.added_by}") for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _status(entry: PartnerEntry) -> str:
    if entry.disabled_at is None:
        return "active"
    return f"disabled {_when(entry.disabled_at)} by {entry.disabled_by}"


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(AMSTERDAM):%Y-%m-%d %H:%M}"


def _listed_in_topics_file() -> list[str]:
    path = KafkaPlatform().deploy_dir / "topics.toml"
    return tomllib.loads(path.read_text())["partners"]["ids"] if path.is_file() else []


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
