"""Today's work: the filters a team divides the work with (each bad value named), the filter kept in
links, the Dutch words that explain a case, and the checks on a note."""

from datetime import date
from decimal import Decimal

import pytest

from vroeg_contracts.partner_report import Category

from outreach.domain.errors import InvalidInput
from outreach.domain.notes import MAX_NOTE_LENGTH, check_note
from outreach.domain.todays_work import (
    CATEGORY_NAMES,
    PAGE_SIZE,
    TodaysWork,
    WorkFilter,
    categories_in_words,
    explain,
    parse_filter,
)


def invalid_field(raw: dict[str, str]) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_filter(raw)
    return caught.value.field


# parse_filter


def test_no_fields_and_empty_fields_mean_no_filter():
    assert parse_filter({}) == WorkFilter()
    assert parse_filter({"categorie": "", "bedrag": "  ", "dagen": "", "postcode": " ", "te_laat": "",
                         "mijn": ""}) == WorkFilter()


def test_every_category_of_the_contracts_has_a_dutch_name():
    assert set(CATEGORY_NAMES) == {c.value for c in Category}


@pytest.mark.parametrize("category", sorted(CATEGORY_NAMES))
def test_each_known_category_filters(category):
    assert parse_filter({"categorie": category}).category == category


@pytest.mark.parametrize("category", ["huur", "RENT", "gas", "rent;"])
def test_an_unknown_category_is_named(category):
    assert invalid_field({"categorie": category}) == "categorie"


@pytest.mark.parametrize(("text", "amount"), [("250", Decimal("250")), ("99,50", Decimal("99.50")),
                                              ("99.50", Decimal("99.50")), (" 0 ", Decimal("0")),
                                              ("1000000", Decimal("1000000"))])
def test_an_amount_in_euros_filters(text, amount):
    assert parse_filter({"bedrag": text}).min_amount == amount


@pytest.mark.parametrize("text", ["veel", "€ 250", "1.000,50", "-1", "1000000.01", "NaN", "Infinity", "1e7"])
def test_a_bad_amount_is_named(text):
    assert invalid_field({"bedrag": text}) == "bedrag"


@pytest.mark.parametrize(("text", "days"), [("0", 0), ("30", 30), ("3650", 3650)])
def test_days_in_arrears_filter(text, days):
    assert parse_filter({"dagen": text}).min_days_in_arrears == days


@pytest.mark.parametrize("text", ["-1", "3651", "1.5", "dertig", "30 dagen"])
def test_bad_days_are_named(text):
    assert invalid_field({"dagen": text}) == "dagen"


def test_a_superscript_digit_is_named_as_bad_days():
    assert invalid_field({"dagen": "²"}) == "dagen"


def test_a_postcode_area_filters():
    assert parse_filter({"postcode": "1191"}).postcode_area == "1191"
    assert parse_filter({"postcode": " 1191 "}).postcode_area == "1191"


@pytest.mark.parametrize("text", ["119", "11911", "1191AB", "1191 AB", "abcd"])
def test_a_bad_postcode_area_is_named(text):
    assert invalid_field({"postcode": text}) == "postcode"


def test_the_switches_are_on_only_when_checked():
    assert parse_filter({"te_laat": "1", "mijn": "1"}) == WorkFilter(overdue_only=True, mine_only=True)
    assert parse_filter({"te_laat": "0", "mijn": "on"}) == WorkFilter()


def test_a_bad_field_is_named_even_when_the_others_are_fine():
    assert invalid_field({"categorie": "rent", "bedrag": "250", "dagen": "30", "postcode": "1191x"}) == "postcode"


# as_query


def test_the_filter_in_a_link_has_only_what_is_set():
    assert WorkFilter().as_query() == {}
    assert WorkFilter(min_days_in_arrears=0, overdue_only=True).as_query() == {"dagen": "0", "te_laat": "1"}
    assert WorkFilter("rent", Decimal("99.50"), 30, "1191", True, True).as_query() == {
        "categorie": "rent", "bedrag": "99.50", "dagen": "30", "postcode": "1191", "te_laat": "1", "mijn": "1"}


@pytest.mark.parametrize("work_filter", [
    WorkFilter(),
    WorkFilter("rent", Decimal("99.50"), 30, "1191", True, True),
    WorkFilter(category="health_insurance", min_amount=Decimal("0")),
    WorkFilter(min_days_in_arrears=0, mine_only=True),
    WorkFilter(min_amount=Decimal("1000000")),
])
def test_a_filter_survives_the_round_trip_through_a_link(work_filter):
    assert parse_filter(work_filter.as_query()) == work_filter


def test_a_parsed_filter_gives_the_same_filter_back():
    raw = {"categorie": "energy", "bedrag": "12,5", "dagen": "7", "postcode": "1012", "mijn": "1"}
    parsed = parse_filter(raw)
    assert parse_filter(parsed.as_query()) == parsed
    assert parsed.as_query()["bedrag"] == "12.5"


# Today's work


def test_there_is_more_only_beyond_the_current_page():
    work = TodaysWork(date(2025, 3, 12), {"calls": PAGE_SIZE + 1, "visits": PAGE_SIZE, "letters": 0, "outcome": 2},
                      {}, 0, WorkFilter())
    assert work.total == 2 * PAGE_SIZE + 3
    assert work.has_more("calls") and not work.has_more("visits") and not work.has_more("outcome")
    second_page = TodaysWork(date(2025, 3, 12), {"calls": PAGE_SIZE + 1}, {}, 1, WorkFilter())
    assert not second_page.has_more("calls")


# The words that explain a case


def test_one_category_in_words():
    assert categories_in_words(["rent"]) == "huur"
    assert categories_in_words(["rent", "rent"]) == "huur"


def test_two_categories_in_words():
    assert categories_in_words(["rent", "energy"]) == "energie en huur"


def test_three_categories_in_words():
    # In the order of the category codes, the same whatever order the signals came in.
    assert categories_in_words(["water", "rent", "health_insurance"]) == "zorgverzekering, huur en water"
    assert categories_in_words(["health_insurance", "water", "rent"]) == "zorgverzekering, huur en water"


def test_no_or_unknown_categories_in_words():
    assert categories_in_words([]) == "onbekend"
    assert categories_in_words(["lottery"]) == "lottery"


def test_a_crisis_is_explained():
    assert explain("crisis", "urgent", ["rent"]) == (
        "Een partner meldt een dreigende crisis, zoals een huisuitzetting of afsluiting (huur). "
        "Daarom: een brief en zo snel mogelijk contact.")


def test_several_arrears_at_once_are_explained():
    assert explain("multiple", "letter_and_call", ["energy", "water", "rent"]) == (
        "Er zijn tegelijk betalingsachterstanden bij meerdere partners: energie, huur en water. "
        "Daarom: een brief en daarna contact.")


def test_a_single_arrear_is_explained():
    assert explain("single", "letter_only", ["cak"]) == (
        "Er is een betalingsachterstand gemeld: CAK-bijdrage. Daarom: alleen een brief.")


def test_an_unknown_action_is_shown_as_it_is():
    assert explain("single", "something_new", ["rent"]).endswith("Daarom: something_new.")


# Notes


def test_a_note_is_stored_without_surrounding_space():
    assert check_note("  Belt terug na 17:00.\n") == "Belt terug na 17:00."


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_note_is_refused(text):
    with pytest.raises(InvalidInput) as caught:
        check_note(text)
    assert caught.value.field == "text"


def test_a_note_may_be_a_thousand_characters_after_stripping():
    assert check_note("x" * MAX_NOTE_LENGTH) == "x" * MAX_NOTE_LENGTH
    assert check_note(f"  {'x' * MAX_NOTE_LENGTH}  ") == "x" * MAX_NOTE_LENGTH


def test_a_longer_note_is_refused_with_its_length():
    with pytest.raises(InvalidInput) as caught:
        check_note("x" * (MAX_NOTE_LENGTH + 1))
    assert caught.value.field == "text"
    assert caught.value.reason == "Een notitie heeft hoogstens 1000 tekens; deze heeft er 1001."
