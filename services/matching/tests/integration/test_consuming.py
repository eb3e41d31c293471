"""Matching on the real broker and database: idempotent consumption, order-free decisions, events
keyed by household, and outreach's closed cases taken into account."""

import re
import uuid
from datetime import timedelta

from vroeg_contracts import topics
from vroeg_contracts.events import CaseClosed, LetterSent
from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_devtools import bus

from .conftest import eventually, now


async def test_a_redelivered_report_changes_nothing(matching, db, publish, household, handled):
    home = household()
    report = home.report("eigen-haard", days_ago=2)
    sentinel = home.report("vgz", days_ago=1, status="withdrawn")  # same key, so handled after both copies
    await publish(report, report, sentinel)
    decisions = await handled(sentinel)
    assert [d["outcome"] for d in decisions] == ["HouseholdAtRisk", "NothingToDo"]
    assert await db.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'arrears-reported' AND message_id = $1",
                             str(report.event_id)) == 1
    # One HouseholdAtRisk on the bus for the household, not one per copy.
    def ours(records):
        return [e for e in bus.events(records) if e["household_key"] == home.key]
    published = ours(await bus.read_topic(topics.MATCHING_DECISIONS, until=ours, settle=1.0))
    assert [e["event_type"] for e in published] == ["HouseholdAtRisk"]
    assert await db.fetchval("SELECT count(*) FROM decisions WHERE cause_event_id = $1", report.event_id) == 1


async def test_a_resolve_before_its_open_gives_the_same_decisions(matching, db, publish, household, handled, decisions_of):
    in_order, resolve_first = household(), household()
    for home, order in ((in_order, ("open", "resolved")), (resolve_first, ("resolved", "open"))):
        signal_id, report_id = uuid.uuid4(), f"rent-{uuid.uuid4().hex[:8]}"
        rent = {status: home.report("eigen-haard", days_ago=40 if status == "open" else 20, status=status,
                                    signal_id=signal_id, report_id=report_id) for status in order}
        health = home.report("vgz", days_ago=10)  # after the rent was resolved: a case of its own, not multiple
        await publish(*rent.values(), health)
        await handled(health)

    def published(decisions):
        return [(d["outcome"], re.sub(r"rent-[0-9a-f]{8}", "rent-<id>", d["rule"]))
                for d in decisions if d["outcome"] != "NothingToDo"]

    # The resolve leaves the rent case resting on nothing: it closes, paid (ADR 0015), before VGZ's case opens.
    resolved_on = today_in_amsterdam() - timedelta(days=20)
    expected = [("HouseholdAtRisk", "single: one category open within 90 days (rent) -> letter_only"),
                ("CaseBasisChanged", f"signals of the case ended: resolved by eigen-haard (report rent-<id>) on"
                                     f" {resolved_on}; it rests on no open signal and closes with 'Inwoner heeft zelf"
                                     " al betaald/betalingsregeling getroffen'"),
                ("HouseholdAtRisk", "single: one category open within 90 days (health_insurance) -> letter_only")]
    assert published(await decisions_of(in_order.key)) == published(await decisions_of(resolve_first.key)) == expected


async def test_a_second_insurer_joining_the_open_case_is_announced_and_in_the_history(
        matching, publish, household, handled, decisions_of):
    home = household()
    first = home.report("vgz", days_ago=10)
    await publish(first)
    (opened,) = await handled(first)
    second = home.report("zilveren-kruis", days_ago=5)  # the same category: the case does not grow
    await publish(second)
    joined = (await handled(second))[-1]
    assert (joined["outcome"], joined["episode_id"]) == ("SignalsJoinedCase", opened["episode_id"])
    assert joined["rule"].startswith("joined the open case, bringing nothing new: single")
    records = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: any(
        e["event_type"] == "SignalsJoinedCase" and e["household_key"] == home.key for e in bus.events(rs)))
    (event,) = [e for e in bus.events(records, "SignalsJoinedCase") if e["household_key"] == home.key]
    assert [s["signal_id"] for s in event["payload"]["signals"]] == [str(second.payload.signal_id)]
    assert [d["outcome"] for d in await decisions_of(home.key)] == ["HouseholdAtRisk", "SignalsJoinedCase"]


async def test_a_withdrawn_signal_closes_its_case_and_outreach_s_close_of_it_changes_nothing(
        matching, db, publish, household, handled, decisions_of):
    home = household()
    signal_id, report_id = uuid.uuid4(), f"rent-{uuid.uuid4().hex[:8]}"
    rent = home.report("eigen-haard", days_ago=10, signal_id=signal_id, report_id=report_id)
    await publish(rent)
    (opened,) = await handled(rent)
    withdrawn = home.report("eigen-haard", days_ago=3, status="withdrawn", signal_id=signal_id, report_id=report_id)
    await publish(withdrawn)
    ended = (await handled(withdrawn))[-1]
    assert (ended["outcome"], ended["episode_id"]) == ("CaseBasisChanged", opened["episode_id"])
    records = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: any(
        e["event_type"] == "CaseBasisChanged" and e["household_key"] == home.key for e in bus.events(rs)))
    (event,) = [e["payload"] for e in bus.events(records, "CaseBasisChanged") if e["household_key"] == home.key]
    assert [(e["signal_id"], e["ended"], e["on"]) for e in event["ended"]] == [
        (str(signal_id), "withdrawn", str(withdrawn.payload.signal_date))]
    assert (event["remaining"], event["closes_with"]) == ([], "Niet opgepakt: onterecht signaal")
    assert await db.fetchval("SELECT withdrawn_on FROM signals WHERE signal_id = $1", signal_id) == \
        withdrawn.payload.signal_date
    # Outreach closes the case on receipt; matching stores the close and decides nothing new.
    closed = home.event(CaseClosed(case_id=opened["episode_id"], outcome="Niet opgepakt: onterecht signaal",
                                   closed_at=now()), "outreach")
    await publish(closed)
    nothing = (await handled(closed))[-1]
    assert nothing["outcome"] == "NothingToDo" and "matching had ended it on" in nothing["rule"]
    health = home.report("vgz", days_ago=0)  # another partner, later: one new case, the only open one
    await publish(health)
    assert [d["outcome"] for d in await handled(health)] == [
        "HouseholdAtRisk", "CaseBasisChanged", "NothingToDo", "HouseholdAtRisk"]


async def test_decisions_are_published_keyed_by_household(matching, publish, household):
    home = household()
    await publish(home.report("eigen-haard", days_ago=20), home.report("eigen-haard", days_ago=5, days_in_arrears=10))
    records = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: len(
        [e for e in bus.events(rs) if e["household_key"] == home.key]) >= 2)
    ours = [r for r in records if r.json()["household_key"] == home.key]
    assert {r.key for r in ours} == {home.key.encode()}
    assert len({r.partition for r in ours}) == 1
    assert [r.json()["event_type"] for r in ours] == ["HouseholdAtRisk", "SignalNotPickedUp"]
    assert ours[1].json()["payload"]["ddas_status"] == "Niet opgepakt: onterecht signaal"


async def test_a_case_outreach_closed_takes_no_new_category(matching, db, publish, household, handled):
    home = household()
    rent = home.report("eigen-haard", days_ago=10)
    await publish(rent)
    (opened,) = await handled(rent)
    case_id = opened["episode_id"]
    letter = home.event(LetterSent(case_id=case_id, letter_id=uuid.uuid4(), letter_kind="first", sent_at=now()), "outreach")
    closed = home.event(CaseClosed(case_id=case_id, outcome="Geen hulp gewenst", closed_at=now()), "outreach")
    await publish(letter, closed)
    await eventually(lambda: db.fetchval("SELECT closed_on FROM case_closures WHERE episode_id = $1", case_id),
                     what="the closed case stored")
    health = home.report("vgz", days_ago=0)
    await publish(health)
    decisions = await handled(health)
    # Without the close the health signal would escalate the rent case; closed, it starts a new one.
    assert [d["outcome"] for d in decisions] == ["HouseholdAtRisk", "NothingToDo", "HouseholdAtRisk"]
    assert decisions[-1]["episode_id"] != case_id
    # The close is claimed in the inbox; the letter is skipped by its header, unread and unclaimed.
    claimed = await db.fetch("SELECT message_id FROM inbox WHERE consumer = 'case-events' AND message_id = ANY($1::text[])",
                             [str(letter.event_id), str(closed.event_id)])
    assert [r["message_id"] for r in claimed] == [str(closed.event_id)]


async def test_a_message_that_cannot_be_handled_is_dead_lettered_and_the_rest_go_on(matching, producer, publish,
                                                                                  household, handled):
    home = household()
    garbage = await producer.send_and_wait(topics.ARREARS_REPORTED, b"{not json", key=home.key.encode())
    elsewhere = home.report("eigen-haard", days_ago=2)
    elsewhere = elsewhere.model_copy(update={"municipality_code": "0363"})  # no policy for it
    good = home.report("vgz", days_ago=2)
    await publish(elsewhere, good)
    assert [d["outcome"] for d in await handled(good)] == ["HouseholdAtRisk"]
    dead = await bus.read_topic(topics.dead_letters("matching"), timeout=60, until=lambda rs: {
        r.headers.get("original.offset") for r in rs} >= {str(garbage.offset)} and any(
        r.headers.get("original.event_id") == str(elsewhere.event_id) for r in rs))
    errors = {r.headers.get("original.event_id") or r.headers["original.offset"]: r.headers["error"] for r in dead}
    assert "not valid JSON" in errors[str(garbage.offset)]
    assert errors[str(elsewhere.event_id)] == "PermanentError: municipality_code: no policy for 0363"
