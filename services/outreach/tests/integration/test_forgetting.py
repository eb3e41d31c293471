"""Erasure (every row and file of a household, ErasureCompleted with counts) and the retention sweep
(cases that led to no help, 6 months after their last event, with their files)."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from outreach.adapters.mail import letter_id_of
from outreach.adapters.referrals import ReferralRepository
from outreach.adapters.schedule import Schedule
from outreach.domain.plan import Step
from outreach.handlers.erasure import erase
from outreach.handlers.note_not_picked_up import note_not_picked_up
from outreach.handlers.retention import sweep_expired
from outreach.handlers.sharing import act_on_decision
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareGranted, ErasureRequested, SignalNotPickedUp
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import auth, outbox_events

HOUSEHOLD_TABLES = ("signals_not_picked_up", "partner_feedback")
CASE_TABLES = ("cases", "case_signals", "letters", "contact_attempts", "schedule", "work_items", "case_timeline",
               "referrals")


async def rows_of(pool, household_key, case_ids):
    counts = {t: await pool.fetchval(f"SELECT count(*) FROM {t} WHERE household_key = $1", household_key)
              for t in HOUSEHOLD_TABLES}
    counts |= {t: await pool.fetchval(f"SELECT count(*) FROM {t} WHERE case_id = ANY($1::uuid[])", case_ids)
               for t in CASE_TABLES}
    return counts


async def test_erasure_deletes_every_row_of_the_household_and_reports_counts(api, outreach, new_case):
    pool = outreach.runtime.db
    case = await new_case()
    other = await new_case(send_letter=False)
    household, case_id = case.household_key, case.payload.episode_id
    attempted = await api.post(f"/v1/cases/{case_id}/attempts", headers=auth("caseworker"), json={
        "kind": "Telefoon", "reached": True, "date": str(today_in_amsterdam()), "day_part": "Middag"})
    assert attempted.status_code == 201
    await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"), json={
        "outcome": "Vervolghulp en/of verwijzing financieel",
        "referral": {"recipient": "kredietbank", "purpose": "schuldhulpverlening", "data_categories": ["name"]}})
    repeat = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id="waternet",
                               report_id=f"it-{uuid.uuid4().hex[:8]}", category=Category.WATER,
                               ddas_status="Niet opgepakt: herhaalde melding", reason="repeat")
    async with pooled_unit_of_work(pool) as uow:
        await note_not_picked_up(uow, Envelope.wrap(repeat, producer="matching", municipality_code="0437",
                                                     household_key=household, correlation_id=uuid.uuid4()),
                                 outreach.deps)
    before = await rows_of(pool, household, [case_id])
    assert all(before[t] for t in ("cases", "case_signals", "letters", "contact_attempts", "case_timeline", "referrals",
                                   "signals_not_picked_up", "partner_feedback")), before

    request = Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                            producer="consent", municipality_code="0437", household_key=household,
                            correlation_id=uuid.uuid4())
    async with pooled_unit_of_work(pool) as uow:
        deleted = await erase(uow, request, outreach.deps)
    assert await rows_of(pool, household, [case_id]) == dict.fromkeys(before, 0)
    assert {t: n for t, n in deleted.items() if n and t in before} == {t: n for t, n in before.items() if n}
    (completed,) = await outbox_events(pool, "ErasureCompleted", request_id=request.payload.request_id)
    assert completed["payload"]["service"] == "outreach" and completed["payload"]["deleted"] == deleted
    assert completed["causation_id"] == str(request.event_id) and completed["household_key"] == household
    assert await pool.fetchval("SELECT count(*) FROM cases WHERE case_id = $1", other.payload.episode_id) == 1
    # The audit log keeps who read what (ids only), so the municipality can still account for it.
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE $1 = ANY(case_ids)", case_id) >= 1
    raw = await pool.fetchval("SELECT payload FROM outbox WHERE headers->>'event_type' = 'ErasureCompleted'"
                              " ORDER BY seq DESC LIMIT 1")
    assert "Proefbewoner" not in raw.decode()


async def age(pool, case_id, days):
    """Make a case look as if everything in it happened `days` ago."""
    shift = timedelta(days=days)
    await pool.execute("UPDATE cases SET opened_at = opened_at - $2::interval, closed_at = closed_at - $2::interval"
                       " WHERE case_id = $1", case_id, shift)
    await pool.execute("UPDATE case_timeline SET occurred_at = occurred_at - $2::interval WHERE case_id = $1",
                       case_id, shift)


async def test_the_sweep_deletes_old_cases_that_led_to_no_help_and_keeps_the_rest(api, outreach, new_case):
    pool = outreach.runtime.db
    no_help_old, helped_old, no_help_recent, open_old = [(await new_case()).payload.episode_id for _ in range(4)]
    for case_id, outcome in [(no_help_old, "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"),
                             (helped_old, "(Budget)advies en/of quick fix"),
                             (no_help_recent, "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering")]:
        response = await api.post(f"/v1/cases/{case_id}/outcome", json={"outcome": outcome}, headers=auth("caseworker"))
        assert response.status_code == 200
    for case_id in (no_help_old, helped_old, open_old):
        await age(pool, case_id, 200)
    # A case whose last event is recent is kept, however old it is.
    await age(pool, no_help_recent, 200)
    await pool.execute("INSERT INTO case_timeline (case_id, kind) VALUES ($1, 'attempt')", no_help_recent)

    async with pooled_unit_of_work(pool) as uow:
        deleted = await sweep_expired(uow, outreach.deps)
    assert deleted["cases"] >= 2
    remaining = {r["case_id"] for r in await pool.fetch(
        "SELECT case_id FROM cases WHERE case_id = ANY($1::uuid[])", [no_help_old, helped_old, no_help_recent, open_old])}
    assert remaining == {helped_old, no_help_recent}
    assert json.dumps(deleted)  # counts only


def erasure_of(case) -> Envelope[ErasureRequested]:
    return Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                         producer="consent", municipality_code="0437", household_key=case.household_key,
                         correlation_id=uuid.uuid4())


async def with_files(api, outreach, case) -> set[Path]:
    """Give a case what outreach writes to disk, and return those files: its first letter (sent by
    `new_case`), a referral package sent after consent, and the PDF of a follow-up letter whose send
    was cut short before it was recorded (a crash between the mailbox and the commit)."""
    pool, case_id = outreach.runtime.db, case.payload.episode_id
    response = await api.post(f"/v1/cases/{case_id}/outcome", headers=auth("caseworker"), json={
        "outcome": "Vervolghulp en/of verwijzing financieel",
        "referral": {"recipient": "kredietbank", "purpose": "schuldhulpverlening", "data_categories": ["name"]}})
    request_id = uuid.UUID(response.json()["referral_request_id"])
    return await package_and_unrecorded_letter(outreach, case, request_id) | {
        Path(outreach.settings.letters_dir) / "0437" / f"{letter_id}.pdf"
        for letter_id in await pool.fetchval("SELECT array_agg(letter_id) FROM letters WHERE case_id = $1", case_id)}


async def package_and_unrecorded_letter(outreach, case, request_id: uuid.UUID) -> set[Path]:
    pool, case_id = outreach.runtime.db, case.payload.episode_id
    grant = DataShareGranted(request_id=request_id, permitted_fields=["name"], consent_id=uuid.uuid4())
    async with pooled_unit_of_work(pool) as uow:
        assert await act_on_decision(uow, Envelope.wrap(grant, producer="consent", municipality_code="0437",
                                                        household_key=case.household_key,
                                                        correlation_id=case.correlation_id), outreach.deps.referrals) == "sent"
    async with pooled_unit_of_work(pool) as uow:  # far ahead, so no other test's schedule run sends it
        await Schedule(uow.conn).plan(case_id, Step.FOLLOW_UP_LETTER, at=datetime.now(UTC) + timedelta(days=300),
                                      cause_id=uuid.uuid4())
    task_id = await pool.fetchval("SELECT task_id FROM schedule WHERE case_id = $1 AND step = 'follow_up_letter'",
                                  case_id)
    unrecorded = await outreach.deps.mailbox.send(letter_id_of(task_id), b"%PDF-1.4 cut short",
                                                  municipality_code="0437")
    return {Path(outreach.settings.referrals_dir) / "0437" / f"{request_id}.json", Path(unrecorded)}


def on_disk(outreach) -> set[Path]:
    return {p for folder in (outreach.settings.letters_dir, outreach.settings.referrals_dir)
            for p in Path(folder).rglob("*") if p.is_file()}


async def test_erasure_deletes_the_households_letters_and_referral_packages_from_disk(api, outreach, new_case):
    erased, neighbour = await new_case(), await new_case()
    erased_files = await with_files(api, outreach, erased)
    neighbour_files = await with_files(api, outreach, neighbour)
    assert len(erased_files) == 3 and erased_files | neighbour_files <= on_disk(outreach)
    surname = (await api.get(f"/v1/cases/{erased.payload.episode_id}", headers=auth("caseworker"))
               ).json()["contact"]["name"].split()[-1]

    request = erasure_of(erased)
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        deleted = await erase(uow, request, outreach.deps)
    left = on_disk(outreach)
    assert not erased_files & left and neighbour_files <= left
    # No file left anywhere names the erased resident (the packages are JSON, so that is readable).
    assert not [p for p in left if p.suffix == ".json" and surname in p.read_text()]
    assert (deleted["letter_files"], deleted["referral_files"]) == (2, 1)
    (completed,) = await outbox_events(outreach.runtime.db, "ErasureCompleted", request_id=request.payload.request_id)
    assert completed["payload"]["deleted"]["letter_files"] == 2
    assert completed["payload"]["deleted"]["referral_files"] == 1

    # Done again (a redelivery after a rollback): nothing left to find, and no error.
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        again = await erase(uow, erasure_of(erased), outreach.deps)
    assert (again["letter_files"], again["referral_files"], again["cases"]) == (0, 0, 0)


async def test_files_deleted_in_a_unit_that_rolls_back_are_finished_by_the_next_try(api, outreach, new_case):
    case = await new_case()
    files = await with_files(api, outreach, case)

    class Interrupted(Exception):
        pass

    try:
        async with pooled_unit_of_work(outreach.runtime.db) as uow:
            await erase(uow, erasure_of(case), outreach.deps)
            raise Interrupted  # another record of the batch failed: the unit rolls back
    except Interrupted:
        pass
    assert await outreach.runtime.db.fetchval("SELECT count(*) FROM cases WHERE case_id = $1",
                                              case.payload.episode_id) == 1
    assert not files & on_disk(outreach)  # deleted already; the rows came back without them
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        deleted = await erase(uow, erasure_of(case), outreach.deps)
    assert deleted["cases"] == 1 and deleted["letter_files"] == 0  # finished; the files were gone


async def test_the_sweep_deletes_the_files_of_the_cases_it_deletes_and_keeps_the_others(api, outreach, new_case):
    pool = outreach.runtime.db
    expired, helped = await new_case(), await new_case()
    expired_id = expired.payload.episode_id
    response = await api.post(f"/v1/cases/{expired_id}/outcome", headers=auth("caseworker"),
                              json={"outcome": "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"})
    assert response.status_code == 200
    # A package of a case that led to no help (rare: a referral comes with help), to show it goes too.
    request_id = uuid.uuid4()
    async with pooled_unit_of_work(pool) as uow:
        await ReferralRepository(uow.conn).add(request_id=request_id, case_id=expired_id, recipient="kredietbank",
                                               purpose="schuldhulpverlening", data_categories=["name"],
                                               requested_by="cw-anna")
    expired_files = await package_and_unrecorded_letter(outreach, expired, request_id) | {
        Path(outreach.settings.letters_dir) / "0437" / f"{letter_id}.pdf"
        for letter_id in await pool.fetchval("SELECT array_agg(letter_id) FROM letters WHERE case_id = $1", expired_id)}
    helped_files = await with_files(api, outreach, helped)  # help: kept, however old
    for case_id in (expired_id, helped.payload.episode_id):
        await age(pool, case_id, 200)
    assert expired_files | helped_files <= on_disk(outreach)

    async with pooled_unit_of_work(pool) as uow:
        deleted = await sweep_expired(uow, outreach.deps)
    left = on_disk(outreach)
    assert not expired_files & left and helped_files <= left
    # Other tests' old cases may go in the same sweep; these are at least the ones counted.
    assert deleted["letter_files"] >= 2 and deleted["referral_files"] >= 1
