"""The KPI summary: signals, cases, contact attempts, reach rate and help accepted, per partner type."""

import uuid
from datetime import date

from outreach.domain.ddas import AttemptRecord, CaseRecord, PeriodRecords, SignalRecord
from outreach.domain.ddas_lists import IN_A_CASE
from outreach.domain.kpi import summary
from vroeg_contracts.partner_report import Category

DAY = date(2025, 1, 10)


def signal(category, status=IN_A_CASE):
    return SignalRecord(uuid.uuid4(), "0437", category, status, None, DAY, DAY, None, False)


def case(signals, outcome=None, *attempts):
    return CaseRecord(uuid.uuid4(), "0437", tuple(s.signal_id for s in signals), DAY, DAY, DAY, DAY, outcome,
                      tuple(AttemptRecord(kind, reached, DAY, "Ochtend") for kind, reached in attempts))


def test_totals_and_rates():
    rent, water, energy = signal(Category.RENT), signal(Category.WATER), signal(Category.ENERGY)
    below = signal(Category.RENT, "Niet opgepakt: onterecht signaal")
    helped = case([rent, water], "Vervolghulp en/of verwijzing financieel", ("Brief", False), ("Telefoon", True))
    unreachable = case([energy], "Definitief geen contact kunnen krijgen", ("Brief", False),
                       ("Telefoon", False), ("Telefoon", False), ("Huisbezoek", False))
    result = summary(PeriodRecords(signals=[rent, water, energy, below], cases=[helped, unreachable]))
    assert result["total"] == {
        "signals": 4, "signals_not_picked_up": 1, "cases": 2, "cases_reached": 1, "reach_rate": 0.5,
        "help_accepted": 1, "help_rate": 0.5, "cases_closed": 2, "contact_attempts": 6, "contact_attempts_reached": 1}
    assert result["contact_attempts_by_kind"] == {"Brief": 2, "Huisbezoek": 1, "Telefoon": 3}
    assert result["cases_by_outcome"] == {"Definitief geen contact kunnen krijgen": 1,
                                          "Vervolghulp en/of verwijzing financieel": 1}
    assert result["signals_by_status"] == {"Niet opgepakt: onterecht signaal": 1, "Opgepakt": 3}


def test_per_partner_type_a_case_counts_for_each_type_it_rests_on():
    rent, water, energy = signal(Category.RENT), signal(Category.WATER), signal(Category.ENERGY)
    below = signal(Category.RENT, "Niet opgepakt: onterecht signaal")
    helped = case([rent, water], "(Budget)advies en/of quick fix", ("Telefoon", True))
    open_case = case([energy], None, ("Brief", False))
    per_type = summary(PeriodRecords(signals=[rent, water, energy, below], cases=[helped, open_case]))["per_partner_type"]
    assert per_type["Huur"] == {"signals": 2, "signals_not_picked_up": 1, "cases": 1, "cases_reached": 1,
                                "reach_rate": 1.0, "help_accepted": 1, "help_rate": 1.0}
    assert per_type["Water"]["cases"] == 1
    assert per_type["Energie"] == {"signals": 1, "signals_not_picked_up": 0, "cases": 1, "cases_reached": 0,
                                   "reach_rate": 0.0, "help_accepted": 0, "help_rate": 0.0}


def test_no_cases_means_no_rate_rather_than_a_division_by_zero():
    result = summary(PeriodRecords(signals=[signal(Category.WATER, "Niet opgepakt: andere reden")]))
    assert result["total"]["reach_rate"] is None and result["total"]["help_rate"] is None
