"""A resident's name as Dutch writes it: a prefix ending in an apostrophe sits against the surname."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.names import APOSTROPHES, full_name, surname_with_prefix
from outreach.entrypoints.http.team import contact_out
from vroeg_contracts.privacy import ContactDetails


@pytest.mark.parametrize(("initials", "prefix", "surname", "name"), [
    ("A.", "d'", "Hondt", "A. d'Hondt"),
    ("A.", "d\u2019", "Hondt", "A. d\u2019Hondt"),
    ("J.P.", "van der", "Berg", "J.P. van der Berg"),
    ("H.", "van 't", "Hof", "H. van 't Hof"),
    ("G.", "'t", "Hooft", "G. 't Hooft"),
    ("Ç.", None, "Öztürk", "Ç. Öztürk"),
    ("Ç.", "", "Öztürk", "Ç. Öztürk"),
    (None, "d'", "Hondt", "d'Hondt"),
    ("A.", None, None, "A."),
    (None, None, None, ""),
    (" A. ", " van  der ", " Berg ", "A. van der Berg"),
])
def test_the_full_name(initials, prefix, surname, name):
    assert full_name(initials, prefix, surname) == name


@pytest.mark.parametrize(("prefix", "surname", "salutation"), [
    ("d'", "Hondt", "D'Hondt"),
    ("van der", "Berg", "Van der Berg"),
    ("van 't", "Hof", "Van 't Hof"),
    (None, "Öztürk", "Öztürk"),
])
def test_a_prefix_that_starts_the_name_takes_a_capital(prefix, surname, salutation):
    assert surname_with_prefix(prefix, surname, starts_name=True) == salutation


PARTS = st.one_of(st.none(), st.text(max_size=12),
                  st.text(alphabet=st.sampled_from("dvan't' \u2019\t"), max_size=8),
                  st.sampled_from(["d'", "van der", "van 't", "'t", "in 't", "l\u2019", " d' ", "van  den"]))


@given(PARTS, PARTS, PARTS, st.booleans())
def test_a_name_never_has_a_stray_space(initials, prefix, surname, starts_name):
    for name in (full_name(initials, prefix, surname), surname_with_prefix(prefix, surname, starts_name=starts_name)):
        assert "  " not in name and name == name.strip()
        assert name.split(" ") == name.split() or name == ""  # every gap is one plain space
    tidy_prefix, tidy_surname = " ".join((prefix or "").split()), " ".join((surname or "").split())
    if tidy_prefix.endswith(APOSTROPHES) and tidy_surname:
        assert full_name(initials, prefix, surname).endswith(tidy_prefix + tidy_surname)


def test_the_team_api_shows_the_same_name():
    contact = ContactDetails(initials="A.", prefix="d'", surname="Hondt")
    assert contact_out(contact).name == "A. d'Hondt"
    assert contact_out(ContactDetails()).name is None
