"""The rule that closes a case by itself after 3 unreached attempts."""

import pytest

from outreach.domain.attempts import Attempt, closes_without_contact, unreached_attempts

CALL_NO = Attempt("Telefoon", reached=False)
VISIT_NO = Attempt("Huisbezoek", reached=False)
LETTER = Attempt("Brief", reached=False)


def test_three_unreached_calls_close_the_case():
    assert not closes_without_contact([LETTER, CALL_NO, CALL_NO])
    assert closes_without_contact([LETTER, CALL_NO, CALL_NO, CALL_NO])


def test_letters_cards_and_administrative_steps_never_count_as_unreached():
    one_way = [LETTER, LETTER, Attempt("Kaartje", False), Attempt("Administratief", False)]
    assert unreached_attempts(one_way) == 0
    assert not closes_without_contact(one_way * 3)


def test_calls_visits_mails_and_texts_all_count():
    mixed = [CALL_NO, VISIT_NO, Attempt("Mail", False), Attempt("SMS/Whatsapp", False)]
    assert unreached_attempts(mixed) == 4
    assert closes_without_contact(mixed[:3])


def test_a_resident_reached_once_is_never_closed_for_lack_of_contact():
    assert not closes_without_contact([CALL_NO, Attempt("Telefoon", True), CALL_NO, CALL_NO, VISIT_NO])


@pytest.mark.parametrize(("limit", "closes"), [(2, True), (3, False)])
def test_the_limit_is_configurable(limit, closes):
    assert closes_without_contact([CALL_NO, VISIT_NO], limit) is closes
