"""The retention loop: a household with no open signal is deleted once its last event is older than
the retention period (here seconds); a household with an open signal is kept. Logs carry counts only."""

import json

from .conftest import eventually, matching_stack


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
