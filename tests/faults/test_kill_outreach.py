"""Outreach killed (SIGKILL) in the middle of its schedule and started again loses no letter or call
and sends none twice: exactly one first LetterSent per case, exactly one CallDue per case with a
phone, counted by distinct event id (a republished event keeps its id, which consumers absorb)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from vroeg_contracts import topics
from vroeg_devtools import bus

HOUSEHOLDS = 10
CALL_DELAY_SECONDS = 6


def of(records: list[bus.Record], event_type: str, case_ids: set[str], **payload: Any) -> list[dict[str, Any]]:
    return [e for e in bus.events(records, event_type) if e["payload"]["case_id"] in case_ids
            and all(e["payload"].get(k) == v for k, v in payload.items())]


async def wait_until(count: Callable[[], Awaitable[int]], minimum: int, timeout: float = 120.0) -> int:
    """Poll a count until it reaches `minimum`; return it."""
    deadline = time.monotonic() + timeout
    while (value := await count()) < minimum:
        assert time.monotonic() < deadline, f"only {value} of {minimum} after {timeout}s"
        await asyncio.sleep(0.1)
    return value


async def test_a_killed_outreach_resumes_its_schedule_without_losing_or_doubling(stack, residents, admin_pools, tmp_path):
    stack.overrides["outreach"] = {"OUTREACH_CALL_DELAY": f"PT{CALL_DELAY_SECONDS}S"}
    stack.start(("intake", "matching", "outreach"))
    outreach_db = admin_pools["outreach"]
    clients = [residents.client(phone=True) for _ in range(HOUSEHOLDS)]
    reports = [residents.report(partner, category, client, days_ago=days_ago)
               for client in clients
               for partner, category, days_ago in (("eigen-haard", "rent", 3), ("waternet", "water", 2))]
    await bus.send_reports([(r["partner_id"], r) for r in reports])
    report_ids = {r["report_id"] for r in reports}
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=120, until=lambda rs: report_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    households = {e["household_key"] for e in bus.events(accepted) if e["payload"]["report_id"] in report_ids}
    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=120, until=lambda rs: households <= {
        e["household_key"] for e in bus.events(rs, "HouseholdAtRisk")})
    case_ids = {e["payload"]["episode_id"] for e in bus.events(decisions, "HouseholdAtRisk")
                if e["household_key"] in households}
    assert len(case_ids) == HOUSEHOLDS

    async def letters() -> int:
        return await outreach_db.fetchval("SELECT count(*) FROM letters WHERE case_id::text = ANY($1::text[])",
                                          list(case_ids))

    async def calls() -> int:
        return await outreach_db.fetchval("SELECT count(*) FROM schedule WHERE step = 'call' AND done_at IS NOT NULL"
                                          " AND case_id::text = ANY($1::text[])", list(case_ids))

    # First crash: while the first letters are going out.
    await wait_until(letters, 1)
    stack["outreach"].kill()
    letters_at_first_kill = await letters()
    stack["outreach"].start().wait_ready()

    # Second crash: once calls have started to fall due.
    await wait_until(calls, 1, timeout=180)
    stack["outreach"].kill()
    calls_at_second_kill = await calls()
    stack["outreach"].start().wait_ready()

    events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=180, settle=CALL_DELAY_SECONDS + 2,
                                  until=lambda rs: len({e["payload"]["case_id"] for e in of(rs, "CallDue", case_ids)})
                                  == HOUSEHOLDS)
    first_letters = Counter(e["payload"]["case_id"] for e in {e["event_id"]: e for e in of(
        events, "LetterSent", case_ids, letter_kind="first")}.values())
    call_dues = Counter(e["payload"]["case_id"] for e in {e["event_id"]: e for e in of(
        events, "CallDue", case_ids)}.values())
    assert first_letters == Counter(dict.fromkeys(case_ids, 1)), (letters_at_first_kill, first_letters)
    assert call_dues == Counter(dict.fromkeys(case_ids, 1)), (calls_at_second_kill, call_dues)
    assert not of(events, "LetterSent", case_ids, letter_kind="follow_up")

    # One PDF per letter, and the letter each event names is the one on disk.
    letter_ids = {e["payload"]["letter_id"] for e in of(events, "LetterSent", case_ids)}
    pdfs = {p.stem for p in (tmp_path / "letters" / "0437").glob("*.pdf")}
    assert letter_ids <= pdfs and len(letter_ids) == HOUSEHOLDS
    assert not list((tmp_path / "letters" / "0437").glob("*.part"))
    assert await letters() == HOUSEHOLDS and await calls() == HOUSEHOLDS
    assert stack["outreach"].starts == 3
