"""The retention loop: a household with no open signal is deleted once its last event is older than
the retention period (here seconds); a household with an open signal is kept. Logs carry counts only."""

import json
from datetime import UTC, date, datetime

from matching.adapters.policy_book import PolicyBook
from matching.config import SERVICE_DIR
from matching.domain.durations import Period
from matching.handlers.arrears_reported import handle_arrears_reported_batch
from matching.handlers.retention import forget_expired_households
from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_runtime.unit_of_work import unit_of_work

from .conftest import Household, eventually, matching_stack


async def test_idle_households_without_open_signals_are_forgotten(platform, tmp_path, db, publish, household, handled):
    stack = matching_stack(tmp_path, MATCHING_RETENTION="PT3S", MATCHING_RETENTION_SWEEP_INTERVAL="PT1S")
    try:
        old, current = household(), household()
        long_ago, recent = old.report("eigen-haard", days_ago=200), current.report("eigen-haard", days_ago=2)
        await publish(long_ago, recent)
        await handled(long_ago)
        await handled(recent)
        await eventually(lambda: db.fetchval("SELECT count(*) = 0 FROM households WHERE household_key = $1", old.key),
                         what="the idle household forgotten")
        assert await db.fetchval("SELECT count(*) FROM signals WHERE household_key = $1", old.key) == 0
        assert await db.fetchval("SELECT count(*) FROM decisions WHERE household_key = $1", old.key) == 0
        # Both went idle together; the one with an open signal outlives the other's sweep.
        assert await db.fetchval("SELECT count(*) FROM signals WHERE household_key = $1", current.key) == 1
        assert await db.fetchval("SELECT count(*) FROM households WHERE household_key = $1", current.key) == 1
    finally:
        stack.stop()
    lines = [json.loads(line) for line in stack["matching"].log_path.read_text().splitlines() if line.startswith("{")]
    sweeps = [line for line in lines if line.get("event") == "retention_sweep"]
    assert sweeps and all(set(s["deleted"]) <= {"signals", "decisions", "case_closures", "decision_reads",
                                                 "households", "outbox"} for s in sweeps)
    assert not any(old.key in json.dumps(line) for line in sweeps)


async def test_the_sweep_judges_a_page_at_a_time_and_erases_only_what_the_rule_lets_go(conn):
    """The sweep itself, page by page (one household a page here), in a transaction rolled back at
    the end. It is run as of June 2000 on households whose last event is set to January 2000, so
    that of all the households in the database only these three are idle."""
    policies = PolicyBook.open(SERVICE_DIR / "policies")
    today = today_in_amsterdam()
    open_one, over, over_too = Household(), Household(), Household()
    reports = [open_one.report("eigen-haard", days_ago=(today - date(2000, 5, 25)).days),  # counts until August
               over.report("eigen-haard", days_ago=(today - date(1999, 11, 1)).days),  # counted until January
               over_too.report("vgz", days_ago=(today - date(1999, 10, 1)).days)]
    async with unit_of_work(conn) as uow:
        await handle_arrears_reported_batch(uow, reports, policies=policies)
    keys = [open_one.key, over.key, over_too.key]
    await conn.execute("UPDATE households SET last_event_at = $2 WHERE household_key = ANY($1::text[])",
                       keys, datetime(2000, 1, 1, tzinfo=UTC))

    deleted = await forget_expired_households(lambda: unit_of_work(conn), policies.policies(), retention=Period(months=1),
                                              now=datetime(2000, 6, 1, 12, tzinfo=UTC), page_size=1)
    left = await conn.fetch("SELECT household_key FROM households WHERE household_key = ANY($1::text[])", keys)
    assert [r["household_key"] for r in left] == [open_one.key]
    assert deleted["households"] == 2 and deleted["signals"] == 2 and deleted["decisions"] == 2
    assert await conn.fetchval("SELECT count(*) FROM signals WHERE household_key = ANY($1::text[])", keys) == 1
