"""Killing intake (SIGKILL) mid-stream loses no report and doubles no ArrearsReported: every valid
report ends up with exactly one distinct event id, every invalid one with exactly one rejection.

After a crash the relay may publish an event again under the same id (the outbox row was sent but
not yet marked); consumers dedupe on the id, so that is allowed here, and counted.
"""

import asyncio
import time
from collections import Counter, defaultdict

from vroeg_contracts import topics
from vroeg_devtools import bus
from vroeg_devtools.synthetic import MUNICIPALITIES, PARTNERS

VALID, INVALID, RESENT = 2_700, 150, 150
KILL_AT = (0.25, 0.6)  # fractions of the distinct reports handled when intake is killed


async def handled(pool, run: str) -> int:
    """Distinct reports of this run that intake has answered durably (accepted or rejected)."""
    return await pool.fetchval(
        "SELECT (SELECT count(*) FROM signals WHERE report_id LIKE $1)"
        " + (SELECT count(*) FROM rejections WHERE report_id LIKE $1)", f"kill-{run}-%")


async def wait_for(condition, *, timeout: float, what: str, log=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached after {timeout}s\n{log()}")
        await asyncio.sleep(0.2)


async def test_killing_intake_mid_stream_loses_and_doubles_nothing(stack, residents, admin_pools):
    run, partners = residents.run, sorted(MUNICIPALITIES["0437"].partners)
    valid, invalid = [], []
    for number in range(VALID + INVALID):
        partner = partners[number % len(partners)]
        client = residents.client(postcode="0000 XX") if number >= VALID else residents.client()
        report = residents.report(partner, PARTNERS[partner], client, report_id=f"kill-{run}-{number}")
        (invalid if number >= VALID else valid).append((partner, report))
    resent = valid[: RESENT]  # the same reports again, later in the stream: duplicates, no new event
    await bus.send_reports(valid + invalid + resent)

    pool = admin_pools["intake"]
    stack.skip_history = False  # intake must read the backlog just sent, and be killed while it does
    intake = stack.start(("intake",))["intake"]
    distinct = VALID + INVALID
    for fraction in KILL_AT:
        async def far_enough(fraction=fraction):
            return await handled(pool, run) >= fraction * distinct

        await wait_for(far_enough, timeout=300, what=f"{fraction:.0%} handled", log=intake.log_tail)
        assert await handled(pool, run) < distinct, "intake finished before it could be killed mid-stream"
        intake.kill()
        intake.start().wait_ready()

    valid_ids = {report["report_id"] for _, report in valid}
    records = await bus.read_topic(topics.ARREARS_REPORTED, timeout=300, settle=3.0, until=lambda rs: valid_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs, "ArrearsReported")})
    event_ids, copies = defaultdict(set), Counter()
    for event in bus.events(records, "ArrearsReported"):
        if event["payload"]["report_id"].startswith(f"kill-{run}-"):
            event_ids[event["payload"]["report_id"]].add(event["event_id"])
            copies[event["event_id"]] += 1
    republished = {event_id: n for event_id, n in copies.items() if n > 1}
    print(f"{len(valid_ids)} valid reports, {sum(copies.values())} ArrearsReported records, "
          f"{len(republished)} event ids published more than once (consumers dedupe them)")

    assert set(event_ids) == valid_ids, f"missing: {sorted(valid_ids - set(event_ids))[:10]}"
    doubled = {report_id: ids for report_id, ids in event_ids.items() if len(ids) != 1}
    assert not doubled, f"reports with more than one distinct event id: {list(doubled.items())[:5]}"

    invalid_ids = {report["report_id"] for _, report in invalid}
    rejection_ids = defaultdict(set)
    for partner in partners:
        for record in await bus.read_topic(topics.partner_rejections(partner), timeout=60):
            message = record.json()
            if message["report_id"] in invalid_ids:
                rejection_ids[message["report_id"]].add(message["rejection_id"])
    assert set(rejection_ids) == invalid_ids
    assert all(len(ids) == 1 for ids in rejection_ids.values())
    assert intake.starts == 1 + len(KILL_AT)
