"""Decisions become the contract's events: what outreach and the partners' feedback are told."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from matching.domain.decisions import decide, empty_announced
from matching.domain.model import Signal
from matching.domain.policy import Policy
from matching.domain.messages import outgoing
from vroeg_contracts.events import (
    CaseBasisChanged,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    SignalNotPickedUp,
    SignalsJoinedCase,
)
from vroeg_contracts.partner_report import Category, ReportStatus
from vroeg_contracts.privacy import SealedContact

POLICY = Policy(municipality_code="0437", name="test")
DAY0 = date(2026, 6, 1)


def signal(n: int, partner: str, category: Category, day: int, days_in_arrears: int = 40) -> Signal:
    on = DAY0 + timedelta(days=day)
    return Signal(signal_id=uuid.UUID(int=n), partner_id=partner, report_id=f"r{n}", category=category,
                  amount=Decimal("120.50"), arrears_since=on - timedelta(days=days_in_arrears), signal_date=on, crisis=False)


def contact(n: int) -> SealedContact:
    return SealedContact(key_id="dev-1", ciphertext=f"sealed-{n}")


def test_a_new_case_carries_intensity_action_rule_signals_and_the_matching_period():
    signals = {s.signal_id: s for s in (signal(2, "vgz", Category.HEALTH_INSURANCE, 5), signal(1, "eigen-haard", Category.RENT, 5))}
    _, (decision,), _ = decide("h", signals, POLICY, empty_announced(), {})
    out = outgoing(decision, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY)
    event = out.payload
    assert isinstance(event, HouseholdAtRisk)
    assert (event.intensity.value, event.action.value) == ("multiple", "letter_and_call")
    assert event.rule == out.rule == "multiple: 2 categories open within 90 days (health_insurance, rent) -> letter_and_call"
    assert [s.report_id for s in event.signals] == ["r1", "r2"]  # canonical order: date, partner, report
    assert (event.matched_on, event.window_start, event.window_end) == (DAY0 + timedelta(days=5), DAY0 + timedelta(days=5),
                                                                        DAY0 + timedelta(days=95))
    assert event.contact == contact(2)  # the newest report's contact details (vgz sorts after eigen-haard)
    assert out.episode_id == event.episode_id


def after_the_first(first: Signal, second: Signal, closed_on: date | None = None):
    """The decisions when `second` arrives after `first` was announced (and its case closed on
    `closed_on`): the decisions, the announced state before and after, and the signals."""
    _, _, before = decide("h", {first.signal_id: first}, POLICY, empty_announced(), {})
    (case_id,) = before["episodes"]
    signals = {first.signal_id: first, second.signal_id: second}
    closed = {uuid.UUID(case_id): closed_on} if closed_on else {}
    _, decisions, after = decide("h", signals, POLICY, before, closed)
    return decisions, case_id, after, signals


def test_an_escalation_names_the_case_and_why():
    health = signal(2, "vgz", Category.HEALTH_INSURANCE, 30)
    (decision,), case_id, _, signals = after_the_first(signal(1, "eigen-haard", Category.RENT, 0), health)
    event = outgoing(decision, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY).payload
    assert isinstance(event, HouseholdRiskEscalated)
    assert event.episode_id == uuid.UUID(case_id)
    assert event.rule.startswith("escalated by new category health_insurance: multiple") and event.matched_on == health.signal_date


def test_a_second_insurer_of_the_same_kind_joins_the_open_case_and_outreach_hears_of_it():
    vgz, zilveren_kruis = signal(1, "vgz", Category.HEALTH_INSURANCE, 0), signal(2, "zilveren-kruis", Category.HEALTH_INSURANCE, 10)
    (decision,), case_id, after, signals = after_the_first(vgz, zilveren_kruis)
    out = outgoing(decision, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY)
    event = out.payload
    assert isinstance(event, SignalsJoinedCase)
    assert event.episode_id == out.episode_id == uuid.UUID(case_id)
    assert [s.report_id for s in event.signals] == ["r2"]  # only the signal that joined
    assert event.matched_on == zilveren_kruis.signal_date and event.rule.startswith("joined the open case")
    assert after["episodes"][case_id]["signal_ids"] == sorted([str(vgz.signal_id), str(zilveren_kruis.signal_id)])


def test_a_signal_joining_a_closed_case_without_growth_is_not_announced():
    vgz, zilveren_kruis = signal(1, "vgz", Category.HEALTH_INSURANCE, 0), signal(2, "zilveren-kruis", Category.HEALTH_INSURANCE, 10)
    decisions, _, _, _ = after_the_first(vgz, zilveren_kruis, closed_on=DAY0 + timedelta(days=20))  # dated before the close
    assert decisions == []


def test_a_signal_below_the_threshold_is_not_picked_up_with_its_ddas_status():
    low = signal(1, "eigen-haard", Category.RENT, 0, days_in_arrears=10)
    _, (decision,), _ = decide("h", {low.signal_id: low}, POLICY, empty_announced(), {})
    out = outgoing(decision, uuid.UUID(int=99), {low.signal_id: low}, {low.signal_id: contact(1)}, POLICY)
    assert isinstance(out.payload, SignalNotPickedUp)
    assert out.payload.ddas_status == "Niet opgepakt: onterecht signaal" and out.signal_id == low.signal_id
    assert out.rule == "below threshold: 10 days in arrears, rent needs at least 30"


def test_a_signal_not_picked_up_carries_its_own_sealed_contact_for_the_ddas_client():
    low = signal(1, "eigen-haard", Category.RENT, 0, days_in_arrears=10)
    other = signal(2, "vgz", Category.HEALTH_INSURANCE, 3, days_in_arrears=10)
    signals = {s.signal_id: s for s in (low, other)}
    _, decisions, _ = decide("h", signals, POLICY, empty_announced(), {})
    events = [outgoing(d, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY).payload
              for d in decisions]
    assert {e.signal_id: e.contact for e in events if isinstance(e, SignalNotPickedUp)} == {
        low.signal_id: contact(1), other.signal_id: contact(2)}


def test_the_matching_date_falls_inside_the_matching_period():
    # Both signals known at once, 60 days apart: one case, announced as of its first signal.
    signals = {s.signal_id: s for s in (signal(1, "eigen-haard", Category.RENT, 0), signal(2, "vgz", Category.HEALTH_INSURANCE, 60))}
    _, (decision,), _ = decide("h", signals, POLICY, empty_announced(), {})
    event = outgoing(decision, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY).payload
    assert event.intensity.value == "multiple"
    assert (event.window_start, event.matched_on, event.window_end) == (DAY0, DAY0, DAY0 + timedelta(days=90))


def ended(first: Signal, status: ReportStatus, day: int, *others: Signal):
    """The events when `first` (announced with `others`) is withdrawn or resolved on `day`, and the case id."""
    signals = {s.signal_id: s for s in (first, *others)}
    _, _, before = decide("h", signals, POLICY, empty_announced(), {})
    (case_id,) = before["episodes"]
    signals[first.signal_id] = first.merge(status, DAY0 + timedelta(days=day), amount=None, crisis=False)
    _, decisions, _ = decide("h", signals, POLICY, before, {})
    return [outgoing(d, uuid.UUID(int=99), signals, {s: contact(s.int) for s in signals}, POLICY) for d in decisions], case_id


def test_the_withdrawal_of_a_case_s_only_signal_closes_it_as_sent_in_error():
    rent = signal(1, "eigen-haard", Category.RENT, 0)
    (out,), case_id = ended(rent, ReportStatus.WITHDRAWN, 9)
    event = out.payload
    assert isinstance(event, CaseBasisChanged) and event.episode_id == out.episode_id == uuid.UUID(case_id)
    assert [(e.signal_id, e.partner_id, e.report_id, e.ended, e.on) for e in event.ended] == [
        (rent.signal_id, "eigen-haard", "r1", "withdrawn", DAY0 + timedelta(days=9))]
    assert (event.remaining, event.closes_with) == ([], "Niet opgepakt: onterecht signaal")
    assert event.decided_on == DAY0 + timedelta(days=9)  # the date of the report that ended it
    assert out.rule == ("signals of the case ended: withdrawn by eigen-haard (report r1) on 2026-06-10; it rests on"
                        " no open signal and closes with 'Niet opgepakt: onterecht signaal'")


def test_a_resolve_closes_the_case_as_paid_and_one_of_two_leaves_the_other_remaining():
    rent, health = signal(1, "eigen-haard", Category.RENT, 0), signal(2, "vgz", Category.HEALTH_INSURANCE, 0)
    (alone,), _ = ended(rent, ReportStatus.RESOLVED, 20)
    assert alone.payload.closes_with == "Inwoner heeft zelf al betaald/betalingsregeling getroffen"
    assert [e.ended for e in alone.payload.ended] == ["resolved"]
    (one_of_two,), _ = ended(rent, ReportStatus.RESOLVED, 20, health)
    assert (one_of_two.payload.remaining, one_of_two.payload.closes_with) == ([health.signal_id], None)
    assert one_of_two.rule.endswith("1 of its signals still open, the case goes on")


def test_a_repeat_withdrawn_later_is_announced_again_as_sent_in_error():
    case, repeat = signal(1, "eigen-haard", Category.RENT, 0), signal(2, "eigen-haard", Category.RENT, 10)
    (out,), _ = ended(repeat, ReportStatus.WITHDRAWN, 12, case)
    assert isinstance(out.payload, SignalNotPickedUp) and out.payload.signal_id == repeat.signal_id
    assert out.payload.ddas_status == "Niet opgepakt: onterecht signaal"
    assert out.rule == ("withdrawn by the partner after it was announced as 'Niet opgepakt: herhaalde melding':"
                        " sent in error")
