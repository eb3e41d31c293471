"""Signals of a case that ended (matching's CaseBasisChanged): withdrawn or resolved signals are marked
on the case, the team reads it on the timeline, the DDAS delivery gives each its true status, and a
case that rests on nothing is closed with matching's outcome, its plan cancelled; a closed or
unknown case is not touched. A signal not picked up that matching announces again takes the newer
status."""

import uuid
from datetime import timedelta

from outreach.entrypoints import kafka
from outreach.handlers.end_signals import end_signals
from outreach.handlers.join_case import join_case
from outreach.handlers.note_not_picked_up import note_not_picked_up
from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import CaseBasisChanged, HouseholdAtRisk, SignalEnd, SignalNotPickedUp
from vroeg_contracts.partner_report import Category, today_in_amsterdam
from vroeg_runtime.consuming import Delivery
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from .conftest import close_as_caseworker, outbox_events
from .test_ddas_export import case_entry, todays_delivery
from .test_feedback import feedback_rows
from .test_join_case import case_signal_ids, joined

TODAY = today_in_amsterdam()
WITHDRAWN = "Niet opgepakt: onterecht signaal"
PAID = "Inwoner heeft zelf al betaald/betalingsregeling getroffen"


def basis_changed(case: Envelope[HouseholdAtRisk], ended: dict[int, str], *, closes_with: str | None = None,
                  remaining: list[uuid.UUID] | None = None) -> Envelope[CaseBasisChanged]:
    """Matching's word that the case's signals at these indexes ended ("withdrawn" or "resolved")."""
    signals = case.payload.signals
    ends = [SignalEnd(signal_id=signals[i].signal_id, partner_id=signals[i].partner_id, report_id=signals[i].report_id,
                      ended=how, on=TODAY) for i, how in ended.items()]
    if remaining is None:
        remaining = [s.signal_id for i, s in enumerate(signals) if i not in ended]
    decision = CaseBasisChanged(decision_id=uuid.uuid4(), episode_id=case.payload.episode_id, ended=ends,
                                remaining=remaining, closes_with=closes_with, decided_on=TODAY)
    return case.caused(decision, producer="matching")


async def handle(pool, envelope: Envelope[CaseBasisChanged]) -> bool:
    async with pooled_unit_of_work(pool) as uow:
        return await end_signals(uow, envelope)


async def ends(pool, case_id: uuid.UUID) -> dict[str, tuple[str | None, object]]:
    return {str(r["signal_id"]): (r["ended"], r["ended_on"]) for r in await pool.fetch(
        "SELECT signal_id, ended, ended_on FROM case_signals WHERE case_id = $1", case_id)}


async def timeline(pool, case_id: uuid.UUID) -> list[str]:
    return [r["kind"] for r in await pool.fetch(
        "SELECT kind FROM case_timeline WHERE case_id = $1 ORDER BY occurred_at, entry_id", case_id)]


async def still_to_do(pool, case_id: uuid.UUID) -> tuple[int, int]:
    """(steps still planned, work items still open) of the case."""
    planned = await pool.fetchval(
        "SELECT count(*) FROM schedule WHERE case_id = $1 AND done_at IS NULL AND cancelled_at IS NULL", case_id)
    work = await pool.fetchval("SELECT count(*) FROM work_items WHERE case_id = $1 AND closed_at IS NULL", case_id)
    return planned, work


async def delivered(api, case: Envelope[HouseholdAtRisk]) -> tuple[dict, dict[str, str]]:
    """The case's vroegsignaalzaak in today's DDAS delivery, and the status of each of its signals."""
    document = await todays_delivery(api)
    ids = {str(s.signal_id) for s in case.payload.signals}
    (zaak,) = case_entry(document, ids)
    statuses = {s["ID"]: s["status"] for lv in document["leveringen"] for s in lv["vroegsignalen"] if s["ID"] in ids}
    return zaak, statuses


async def test_a_case_whose_signals_were_all_withdrawn_closes_as_sent_in_error(outreach, api, new_case):
    case = await new_case()  # two signals, and the first letter went out
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    assert await still_to_do(pool, case_id) != (0, 0)  # the call is planned, or on the worklist already
    envelope = basis_changed(case, {0: "withdrawn", 1: "withdrawn"}, closes_with=WITHDRAWN)
    assert await handle(pool, envelope)

    closed = await pool.fetchrow("SELECT status, outcome, closed_by FROM cases WHERE case_id = $1", case_id)
    assert tuple(closed) == ("closed", WITHDRAWN, "matching")
    assert await still_to_do(pool, case_id) == (0, 0)
    assert set((await ends(pool, case_id)).values()) == {("withdrawn", TODAY)}
    kinds = await timeline(pool, case_id)
    assert kinds[-4:] == ["signal_withdrawn", "signal_withdrawn", "letter_in_error", "closed"]
    (closed_event,) = await outbox_events(pool, "CaseClosed", case_id=case_id)
    assert closed_event["payload"]["outcome"] == WITHDRAWN
    for signal in case.payload.signals:  # told picked_up once, when the case opened; nothing new
        assert len(await feedback_rows(pool, signal.report_id)) == 1

    zaak, statuses = await delivered(api, case)
    assert zaak["resultaat"] == WITHDRAWN and len(zaak["vroegsignalen"]) == 2
    assert [p["soort"] for p in zaak["contactpogingen"]] == ["Brief"]  # the letter went out: it stays
    assert set(statuses.values()) == {WITHDRAWN}

    # The same decision again (a redelivery past the inbox) changes nothing.
    outbox = await pool.fetchval("SELECT count(*) FROM outbox")
    assert not await handle(pool, envelope)
    assert await timeline(pool, case_id) == kinds and await pool.fetchval("SELECT count(*) FROM outbox") == outbox


async def test_a_resolved_case_closes_as_paid_before_its_letter_and_its_signal_stays_picked_up(
        outreach, api, new_case):
    case = await new_case(send_letter=False, categories=(Category.RENT,))
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    assert await handle(pool, basis_changed(case, {0: "resolved"}, closes_with=PAID))

    assert await pool.fetchval("SELECT outcome FROM cases WHERE case_id = $1", case_id) == PAID
    assert await still_to_do(pool, case_id) == (0, 0)  # the first letter is not sent
    assert "letter_in_error" not in await timeline(pool, case_id)
    assert list((await ends(pool, case_id)).values()) == [("resolved", TODAY)]
    zaak, statuses = await delivered(api, case)
    assert zaak["resultaat"] == PAID and list(statuses.values()) == ["Opgepakt"]
    assert not await outbox_events(pool, "LetterSent", case_id=case_id)


async def test_a_partial_end_keeps_the_case_open_with_the_signal_marked_and_a_join_still_lands(
        outreach, api, new_case):
    case = await new_case()  # rent (eigen-haard) and water (waternet)
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    rent, water = (str(s.signal_id) for s in case.payload.signals)
    plan = "SELECT task_id, due_at, done_at, cancelled_at FROM schedule WHERE case_id = $1 ORDER BY task_id"
    planned = await pool.fetch(plan, case_id)
    assert not await handle(pool, basis_changed(case, {0: "withdrawn"}))

    assert await pool.fetchval("SELECT status FROM cases WHERE case_id = $1", case_id) == "open"
    assert await ends(pool, case_id) == {rent: ("withdrawn", TODAY), water: (None, None)}
    assert await pool.fetch(plan, case_id) == planned  # the call or visit goes on
    summary = await pool.fetchrow("SELECT arrears_categories, arrears_amount FROM cases WHERE case_id = $1", case_id)
    assert (summary["arrears_categories"], str(summary["arrears_amount"])) == (["water"], "123.45")
    entry = await pool.fetchrow(
        "SELECT detail FROM case_timeline WHERE case_id = $1 AND kind = 'signal_withdrawn'", case_id)
    assert '"partner_id": "eigen-haard"' in entry["detail"]
    zaak, statuses = await delivered(api, case)
    assert "resultaat" not in zaak and statuses == {rent: WITHDRAWN, water: "Opgepakt"}

    # The last signal ends while a new one joins the case: matching names the newcomer as remaining,
    # and the case, resting for a moment on nothing outreach knows, takes the join.
    newcomer = joined(case)
    assert not await handle(pool, basis_changed(case, {1: "resolved"},
                                                remaining=[newcomer.payload.signals[0].signal_id]))
    async with pooled_unit_of_work(pool) as uow:
        assert await join_case(uow, newcomer)
    assert await case_signal_ids(pool, case_id) == {rent, water, str(newcomer.payload.signals[0].signal_id)}
    summary = await pool.fetchrow("SELECT status, arrears_categories FROM cases WHERE case_id = $1", case_id)
    assert tuple(summary) == ("open", ["health_insurance"])


async def test_a_closed_or_unknown_case_is_not_closed_again(outreach, api, new_case):
    case = await new_case(send_letter=False)
    case_id, pool = case.payload.episode_id, outreach.runtime.db
    await close_as_caseworker(api, case_id)
    kinds = await timeline(pool, case_id)
    assert not await handle(pool, basis_changed(case, {0: "withdrawn", 1: "withdrawn"}, closes_with=WITHDRAWN))
    closed = await pool.fetchrow("SELECT outcome, closed_by FROM cases WHERE case_id = $1", case_id)
    assert closed["outcome"] == "(Budget)advies en/of quick fix" and closed["closed_by"] != "matching"
    assert len(await outbox_events(pool, "CaseClosed", case_id=case_id)) == 1
    assert await timeline(pool, case_id) == kinds  # its retention counts from its last event, as before
    assert set((await ends(pool, case_id)).values()) == {("withdrawn", TODAY)}  # the DDAS statuses follow
    _, statuses = await delivered(api, case)
    assert set(statuses.values()) == {WITHDRAWN}

    erased = case.caused(CaseBasisChanged(decision_id=uuid.uuid4(), episode_id=uuid.uuid4(), ended=[], remaining=[],
                                          closes_with=WITHDRAWN, decided_on=TODAY), producer="matching")
    assert not await handle(pool, erased)


async def test_the_decisions_subscription_takes_case_basis_changed(outreach, new_case, monkeypatch):
    subscriptions = {}
    monkeypatch.setattr(kafka, "consume", lambda runtime, names, *, group_id, subscription: subscriptions.update(
        {subscription.inbox: subscription}))
    kafka.register(outreach.runtime, outreach.deps)
    decisions = subscriptions["matching-decisions"]
    case = await new_case(send_letter=False, categories=(Category.WATER,))
    record = basis_changed(case, {0: "withdrawn"}, closes_with=WITHDRAWN)
    envelope = decisions.parse(Delivery(topics.MATCHING_DECISIONS, 0, 0, case.household_key.encode(),
                                        record.to_bytes(), {}))
    async with pooled_unit_of_work(outreach.runtime.db) as uow:
        await decisions.handle(uow, envelope)
    assert await outreach.runtime.db.fetchval("SELECT outcome FROM cases WHERE case_id = $1",
                                              case.payload.episode_id) == WITHDRAWN


async def test_a_signal_not_picked_up_announced_again_takes_the_newer_status(outreach, api, new_case):
    case = await new_case(send_letter=False)
    pool = outreach.runtime.db
    first = case.payload.signals[0]
    repeat = SignalNotPickedUp(decision_id=uuid.uuid4(), signal_id=uuid.uuid4(), partner_id=first.partner_id,
                               report_id=f"it-{uuid.uuid4().hex[:10]}", category=first.category,
                               ddas_status="Niet opgepakt: herhaalde melding", reason="repeat",
                               signal_date=TODAY, arrears_since=TODAY - timedelta(days=30), crisis=False)
    announced = case.caused(repeat, producer="matching")
    withdrawn = case.caused(repeat.model_copy(update={"decision_id": uuid.uuid4(), "ddas_status": WITHDRAWN,
                                                      "reason": "withdrawn by its partner"}), producer="matching",
                            occurred_at=announced.occurred_at + timedelta(days=3))
    stale = case.caused(repeat.model_copy(update={"decision_id": uuid.uuid4()}), producer="matching",
                        occurred_at=announced.occurred_at + timedelta(days=1))
    for envelope in (announced, withdrawn, withdrawn, stale):  # a redelivery and an older word change nothing
        async with pooled_unit_of_work(pool) as uow:
            await note_not_picked_up(uow, envelope, outreach.deps)

    row = await pool.fetchrow("SELECT ddas_status, status_at, signal_date FROM signals_not_picked_up"
                              " WHERE signal_id = $1", repeat.signal_id)
    assert (row["ddas_status"], row["status_at"], row["signal_date"]) == (WITHDRAWN, withdrawn.occurred_at, TODAY)
    kinds = await timeline(pool, case.payload.episode_id)
    assert kinds.count("signal_not_picked_up") == 1 and kinds.count("not_picked_up_status_changed") == 1
    assert len(await feedback_rows(pool, repeat.report_id)) == 1  # told once, not_picked_up
    (entry,) = [s for lv in (await todays_delivery(api))["leveringen"] for s in lv["vroegsignalen"]
                if s["ID"] == str(repeat.signal_id)]
    assert entry["status"] == WITHDRAWN
