"""The partner registry lives in intake's database (ADR 0016): the partners file is brought into it at
start-up, a partner added or disabled there counts in the running intake within seconds, and a
disabled partner's report that still arrives is refused and kept."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from intake.adapters.incoming import json_report
from intake.adapters.kafka_platform import KafkaPlatform
from intake.bootstrap import connect, dependencies, load_registry
from intake.config import SERVICE_DIR, IntakeSettings
from intake.domain.partners import checked_partner
from intake.handlers.partners import add_partner, disable_partner, partner_entry
from intake.handlers.take_report import Sent, take_report
from vroeg_contracts.partner_report import Category
from vroeg_runtime.staff_auth import token_sha256
from vroeg_runtime.unit_of_work import unit_of_work

from .conftest import RunningIntake, running

SERVED = frozenset({"0437", "0362"})


@pytest.fixture(scope="module")
async def live_intake(platform) -> AsyncIterator[RunningIntake]:
    """Intake for HTTP, re-reading its registry twice a second."""
    async for started in running(IntakeSettings(kafka_ingress=False, partners_refresh_seconds=0.5)):
        yield started


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 10.0) -> float:
    """Seconds until `check()` holds; fails after `within`."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within, f"not within {within} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def table(intake_db) -> dict[str, dict]:
    return {row["id"]: dict(row) for row in await intake_db.fetch("SELECT * FROM partners")}


async def test_the_partners_file_is_brought_into_the_table_and_disabling_wins(tmp_path, residents, intake_db):
    extra = f"filed-{residents.run}"
    text = (SERVICE_DIR / "config" / "partners.toml").read_text()
    edited = tmp_path / "partners.toml"
    edited.write_text(text.replace('categories = ["rent"]', 'categories = ["rent", "energy"]', 1)
                      + f'\n[[partner]]\nid = "{extra}"\nname = "Filed"\ncategories = ["water"]\n'
                        f'municipalities = ["0437"]\ntoken_sha256 = "{"0" * 64}"\n')
    deps = dependencies(IntakeSettings(partners_file=edited))
    default = dependencies()
    conn = await connect(deps.settings)
    try:
        await load_registry(conn, deps)
        rows = await table(intake_db)
        assert set(default.partners) | {extra} <= set(rows)
        assert {rows[p]["source"] for p in (*default.partners, extra)} == {"file"}
        assert rows["eigen-haard"]["categories"] == ["energy", "rent"]
        assert rows[extra]["added_by"] == "partners.toml"
        assert deps.partners["eigen-haard"].categories == {Category.RENT, Category.ENERGY}

        await load_registry(conn, default)  # the file as it is again: its entries follow it
        assert (await table(intake_db))["eigen-haard"]["categories"] == ["rent"]
        assert default.partners["eigen-haard"].categories == {Category.RENT}
        assert extra in default.partners  # left out of the file is not disabled: only the command disables

        async with unit_of_work(conn) as uow:
            assert await disable_partner(uow, extra, by="test")
            assert not await disable_partner(uow, extra, by="test")  # once
        await load_registry(conn, deps)  # the file still has it: disabled stays disabled
        assert not deps.partners[extra].active
        assert (await table(intake_db))[extra]["disabled_by"] == "test"
    finally:
        await load_registry(conn, default)
        await conn.close()


async def test_a_partner_added_and_disabled_counts_within_seconds(live_intake, residents, intake_db):
    partner_id = f"essent-{residents.run}"
    token = f"token-{residents.run}"
    essent = checked_partner(id=partner_id, name="Essent", categories=["energy"], municipalities=["0437"],
                             token_sha256=token_sha256(token), served=SERVED)
    onboarded = await KafkaPlatform().onboard(partner_id)  # its topics first, as the command does
    assert onboarded.topics == [f"partner.{partner_id}.{kind}.v1" for kind in ("reports", "rejections", "feedback")]
    assert onboarded.acls > 0 and onboarded.new_password is None  # development: derived from its name

    report = residents.report(partner_id, "energy", residents.client())
    headers = {"Authorization": f"Bearer {token}"}

    async def post() -> int:
        return (await live_intake.client.post("/v1/reports", json=report, headers=headers)).status_code

    assert await post() == 401
    async with intake_db.acquire() as conn, unit_of_work(conn) as uow:
        assert await add_partner(uow, essent, by="test")
    async with intake_db.acquire() as conn, unit_of_work(conn) as uow:
        assert not await add_partner(uow, essent, by="someone else")  # an id is taken once
    assert await eventually(lambda: _is(post, 200), within=5) < 5
    answer = (await live_intake.client.post("/v1/reports", json=report, headers=headers)).json()
    assert answer["reports"][0]["status"] == "accepted"

    async with intake_db.acquire() as conn, unit_of_work(conn) as uow:
        assert await disable_partner(uow, partner_id, by="test")
        entry = await partner_entry(uow, partner_id)
    assert (entry.source, entry.added_by, entry.disabled_by) == ("command", "test", "test")
    assert await KafkaPlatform().revoke(partner_id) == _own_acls(partner_id)  # the services keep theirs
    assert await eventually(lambda: _is(post, 401), within=5) < 5

    # A report that still arrives on its topic is refused, and kept with its bytes like every rejection.
    late = residents.report(partner_id, "energy", residents.client())
    raw = json.dumps(late).encode()
    async with intake_db.acquire() as conn, unit_of_work(conn) as uow:
        outcome = await take_report(uow, live_intake.intake, Sent(json_report(raw), partner_id, "test:0:1"),
                                    channel="kafka")
    assert [r.as_dict() for r in outcome.reasons] == [
        {"field": "partner_id", "reason": f"partner {partner_id!r} is disabled: its reports are no longer accepted"}]
    kept = await intake_db.fetchval("SELECT rr.payload FROM rejections r JOIN raw_reports rr USING (raw_report_id)"
                                    " WHERE r.rejection_id = $1", outcome.rejection_id)
    assert kept == raw


async def _is(post: Callable[[], Awaitable[int]], status: int) -> bool:
    return await post() == status


def _own_acls(partner_id: str) -> int:
    platform = KafkaPlatform()
    grants = platform._script("apply_security").partner_grants(platform.deploy_dir / "security.toml", partner_id)  # noqa: SLF001
    return sum(len(g.read) + len(g.write) + len(g.groups) for g in grants if g.principal == partner_id)
