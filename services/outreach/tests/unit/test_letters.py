"""The letters: every element the design asks for is in the PDF's text, in plain Dutch."""

import functools
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from outreach.adapters import letters
from outreach.adapters.letter_pdf import letter_pdf
from outreach.adapters.letters import DEJAVU, LetterSignal, LetterWriter, dutch_duration, fpdf2_pdf, to_pdf
from outreach.config import OutreachSettings
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import ContactDetails

WRITER = LetterWriter(OutreachSettings().templates_dir, "0437", retention=timedelta(days=180))
RESIDENT = ContactDetails(initials="Ç.", surname="Öztürk", street="Dorpsstraat", house_number=12, house_letter="A",
                          postcode="1191BK", city="Ouderkerk aan de Amstel", phone="+31612345678", bsn="123456782")
SIGNALS = [LetterSignal("eigen-haard", Category.RENT, "450.10", date(2025, 1, 2)),
           LetterSignal("waternet", Category.WATER, "80.00", date(2024, 12, 15))]


@functools.cache  # laying out a PDF takes a while; each letter is made once
def pdf_text(kind: str, next_step: str | None, urgent: bool = False, contact: ContactDetails = RESIDENT) -> str:
    text = WRITER.render_text(kind, contact=contact, signals=SIGNALS, sent_on=date(2025, 3, 3), reference="AB12CD34",
                              next_step=next_step, urgent=urgent)
    pages = PdfReader(io.BytesIO(to_pdf(text, title="Brief"))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())  # lines re-flowed: wrapping is layout


# Each element of the letter (the design's list) and words that must be there for it.
ELEMENTS = {
    "which partners reported": ["woningcorporatie Eigen Haard", "drinkwaterbedrijf Waternet"],
    "what data the municipality holds": ["Welke gegevens hebben wij van u?", "uw naam, uw adres, uw telefoonnummer",
                                         "uw burgerservicenummer", "€ 450,10", "achterstand sinds 2 januari 2025"],
    "why (Wgs)": ["Wet gemeentelijke schuldhulpverlening (Wgs)", "alleen om u hulp aan te bieden"],
    "how long it is kept": ["Hoe lang bewaren wij uw gegevens?", "na 6 maanden"],
    "the resident's rights (AVG art. 14)": ["inzien", "verbeteren", "verwijderen", "bezwaar maken",
                                            "AVG, artikel 14", "Autoriteit Persoonsgegevens"],
    "help is free and voluntary": ["gratis en vrijwillig", "U beslist zelf of u hulp wilt"],
    "how to reach the team": ["Bel 020 496 2121", "vroegeropaf@ouder-amstel.nl"],
}


@pytest.mark.parametrize("element", ELEMENTS)
def test_the_first_letter_holds_every_element(element):
    text = pdf_text("first_letter", "call")
    missing = [words for words in ELEMENTS[element] if words not in text]
    assert not missing, f"{element}: missing {missing}"


def test_the_letter_is_addressed_to_the_resident_with_unicode_names_intact():
    text = pdf_text("first_letter", "call")
    assert "Ç. Öztürk" in text and "Dorpsstraat 12A" in text and "1191 BK OUDERKERK AAN DE AMSTEL" in text
    assert "Ons kenmerk: AB12CD34" in text and "3 maart 2025" in text



def test_a_prefix_ending_in_an_apostrophe_is_written_against_the_surname():
    text = pdf_text("first_letter", "call", contact=RESIDENT.model_copy(update={"initials": "A.", "prefix": "d'",
                                                                                "surname": "Hondt"}))
    assert "A. d'Hondt" in text and "Beste heer/mevrouw D'Hondt," in text and "d' Hondt" not in text


@pytest.mark.parametrize(("next_step", "urgent", "says"), [
    ("call", False, "Over ongeveer een week bellen wij u."),
    ("visit", False, "Over ongeveer een week komt een medewerker bij u langs."),
    ("follow_up_letter", False, "Over ongeveer een week sturen wij u nog een brief."),
    ("call", True, "Daarom bellen wij u de volgende werkdag al."),
    ("visit", True, "Daarom komt een medewerker de volgende werkdag al bij u langs."),
    (None, False, "Wilt u hulp? Bel of mail ons."),
])
def test_the_letter_says_what_happens_next(next_step, urgent, says):
    assert says in pdf_text("first_letter", next_step, urgent)


def test_a_phone_number_the_municipality_does_not_hold_is_not_claimed():
    text = pdf_text("first_letter", "visit", contact=RESIDENT.model_copy(update={"phone": None}))
    assert "uw telefoonnummer" not in text and "uw naam, uw adres" in text


@pytest.mark.parametrize("words", ["woningcorporatie Eigen Haard", "gratis en vrijwillig", "Wgs", "na 6 maanden",
                                   "AVG, artikel 14", "Bel 020 496 2121"])
def test_the_follow_up_letter_repeats_the_essentials(words):
    assert words in pdf_text("follow_up_letter", None)


@pytest.mark.parametrize(("period", "text"), [(timedelta(days=180), "6 maanden"), (timedelta(days=30), "1 maand"),
                                              (timedelta(days=365), "1 jaar"), (timedelta(days=14), "14 dagen")])
def test_retention_is_said_in_plain_words(period, text):
    assert dutch_duration(period) == text


# Each municipality's letters name its own data protection officer and how to reach them (AVG art. 14(1)(b)).
WRITERS = {code: LetterWriter(OutreachSettings().templates_dir, code) for code in ("0437", "0362")}


def rendered(code: str, kind: str) -> str:
    text = WRITERS[code].render_text(kind, contact=RESIDENT, signals=SIGNALS, sent_on=date(2025, 3, 3),
                                     reference="AB12CD34", next_step="call")
    return " ".join(text.split())


@pytest.mark.parametrize("kind", ["first_letter", "follow_up_letter"])
@pytest.mark.parametrize(("code", "other"), [("0437", "0362"), ("0362", "0437")])
def test_the_letter_names_the_municipalitys_own_data_protection_officer(code, other, kind):
    text = rendered(code, kind)
    own, theirs = WRITERS[code].profile, WRITERS[other].profile
    assert own.dpo_name in text and own.dpo_email in text
    assert "functionaris gegevensbescherming" in text
    for way in (own.dpo_phone, own.dpo_address):
        if way:
            assert way in text
    assert theirs.dpo_email not in text and theirs.dpo_name not in text


def test_the_first_letter_as_pdf_names_the_data_protection_officer():
    text = pdf_text("first_letter", "call")
    assert "functionaris gegevensbescherming van de gemeente Ouder-Amstel" in text
    assert "privacy@ouder-amstel.nl" in text


@pytest.mark.parametrize("kind", ["first_letter", "follow_up_letter"])
def test_amstelveens_letters_have_their_own_sender_signature_and_wording(kind):
    amstelveen, ouder_amstel = rendered("0362", kind), rendered("0437", kind)
    assert amstelveen.startswith("Gemeente Amstelveen Team Vroeg Eropaf Amstelveen Postbus 4 1180 BA Amstelveen")
    assert "Amstelveen, 3 maart 2025" in amstelveen
    assert "Telefoon: 14 020" in amstelveen and "www.amstelveen.nl/geldzorgen" in amstelveen
    assert amstelveen.rstrip().endswith("Team Vroeg Eropaf Amstelveen namens het college van burgemeester en"
                                        " wethouders van Amstelveen")
    assert "Ouder-Amstel" not in amstelveen and "Amstelveen" not in ouder_amstel
    # The same facts the design asks for, in Amstelveen's own words.
    for words in ("woningcorporatie Eigen Haard", "Wgs", "na 6 maanden", "AVG, artikel 14"):
        assert words in amstelveen
    assert amstelveen.split("Beste")[1][:200] != ouder_amstel.split("Beste")[1][:200]


def test_ymere_has_a_display_name_in_both_municipalities():
    for writer in WRITERS.values():
        assert writer.partner_name("ymere") == "woningcorporatie Ymere"


def _text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_prepared_writer_lays_out_the_same_letter_as_fpdf2():
    # Issue 23: letters are written with fonts prepared once (letter_pdf.py); fpdf2 is the fallback.
    text = WRITER.render_text("first_letter", contact=RESIDENT, signals=SIGNALS, sent_on=date(2025, 3, 3),
                              reference="AB12CD34", next_step="call")
    fast = to_pdf(text, title="Brief AB12CD34")
    slow = fpdf2_pdf(text, title="Brief AB12CD34")
    assert fast.startswith(b"%PDF-") and _text_of(fast) == _text_of(slow)
    assert len(PdfReader(io.BytesIO(fast)).pages) == len(PdfReader(io.BytesIO(slow)).pages)
    assert PdfReader(io.BytesIO(fast)).metadata.title == "Brief AB12CD34"


def test_a_name_outside_the_prepared_characters_takes_the_fpdf2_path():
    resident = RESIDENT.model_copy(update={"surname": "Ковальчук"})  # Cyrillic: not in the prepared subset
    text = WRITER.render_text("first_letter", contact=resident, signals=SIGNALS, sent_on=date(2025, 3, 3),
                              reference="AB12CD34", next_step="call")
    assert letter_pdf(DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf").render(text, title="x") is None
    assert "Ковальчук" in _text_of(to_pdf(text, title="Brief"))


def test_a_name_in_latin_extended_takes_the_wider_prepared_writer(monkeypatch):
    resident = RESIDENT.model_copy(update={"prefix": None, "surname": "Nguyễn-Ștefan"})
    text = WRITER.render_text("first_letter", contact=resident, signals=SIGNALS, sent_on=date(2025, 3, 3),
                              reference="AB12CD34", next_step="call")
    assert letter_pdf(DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf").render(text, title="x") is None

    def no_fpdf2(*_args, **_kwargs):
        raise AssertionError("fpdf2 was used")

    monkeypatch.setattr(letters, "fpdf2_pdf", no_fpdf2)
    pdf = letters.to_pdf(text, title="Brief")
    assert "Nguyễn-Ștefan" in _text_of(pdf)
    assert _text_of(pdf) == _text_of(fpdf2_pdf(text, title="Brief"))


def test_a_word_longer_than_a_line_is_broken_and_kept_whole_in_the_text():
    word = "x" * 200
    assert word in _text_of(to_pdf(f"## Kop\n\n{word}\n", title="Brief")).replace(" ", "")
