"""Letters: a Jinja2 template per municipality, rendered to text and then to PDF with fpdf2. The
municipality's facts come from its municipality.toml, checked at load (adapters/municipalities.py)."""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import ContactDetails

from ..domain.names import full_name, surname_with_prefix
from .letter_pdf import WIDE_CHARACTERS, LetterPdf, letter_pdf
from .municipalities import PROFILE_FILE, profile_of, read_settings

# Plain Dutch names of what each category is, for the letter.
CATEGORY_IN_DUTCH: dict[Category, str] = {
    Category.RENT: "huur",
    Category.ENERGY: "energie",
    Category.WATER: "drinkwater",
    Category.HEALTH_INSURANCE: "zorgverzekering",
    Category.CAK: "zorgverzekering (CAK)",
    Category.MORTGAGE: "hypotheek",
    Category.STUDENT_DEBT: "studieschuld (DUO)",
    Category.TAX_OFFICE: "belasting (Belastingdienst)",
    Category.BENEFITS: "toeslagen",
    Category.MUNICIPAL_TAX: "gemeentelijke belastingen",
    Category.OTHER: "een vaste last",
}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def dutch_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def join_dutch(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


@dataclass(frozen=True)
class LetterSignal:
    partner_id: str
    category: Category
    amount: str | None
    arrears_since: date | None


def dutch_duration(period: timedelta) -> str:
    """A retention period as a resident reads it: `6 maanden`, `1 jaar`, `30 dagen`."""
    days = period.days
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} jaar"
    if days >= 28:
        months = round(days / 30)
        return f"{months} maand" if months == 1 else f"{months} maanden"
    return f"{days} dag" if days == 1 else f"{days} dagen"


class LetterWriter:
    def __init__(self, templates_dir: Path, municipality_code: str, *, retention: timedelta = timedelta(days=180)) -> None:
        self._dir = templates_dir / municipality_code
        path = self._dir / PROFILE_FILE
        self.municipality: dict[str, Any] = read_settings(path)
        # Checked now, so a municipality without (say) its data protection officer stops the start-up
        # instead of failing the first letter.
        self.profile = profile_of(municipality_code, self.municipality, path)
        self.retention = dutch_duration(retention)
        self._env = Environment(loader=FileSystemLoader(self._dir), undefined=StrictUndefined, autoescape=False,
                                keep_trailing_newline=True)

    def partner_name(self, partner_id: str) -> str:
        return self.municipality.get("partners", {}).get(partner_id, partner_id)

    def render_text(self, kind: str, *, contact: ContactDetails, signals: list[LetterSignal], sent_on: date,
                    reference: str, next_step: str | None, urgent: bool = False) -> str:
        partners = sorted({self.partner_name(s.partner_id) for s in signals})
        number = "".join(str(p) for p in (contact.house_number or "", contact.house_letter or ""))
        number += f"-{contact.house_number_addition}" if contact.house_number_addition else ""
        postcode = contact.postcode or ""
        recipient = {
            "name": full_name(contact.initials, contact.prefix, contact.surname),
            "salutation": f"heer/mevrouw {surname_with_prefix(contact.prefix, contact.surname, starts_name=True)}",
            "street_line": f"{contact.street or ''} {number}".strip(),
            "postcode_city": f"{postcode[:4]} {postcode[4:]}  {(contact.city or '').upper()}".strip(),
        }
        return self._env.get_template(f"{kind}.txt.j2").render(
            municipality=self.municipality, recipient=recipient, sent_on=dutch_date(sent_on), reference=reference,
            partners_sentence=join_dutch(partners), partners_short=join_dutch(partners), next_step=next_step,
            urgent=urgent, retention=self.retention, privacy=self.profile,
            holds_phone=bool(contact.phone), holds_email=bool(contact.email), holds_bsn=bool(contact.bsn),
            signals=[{"partner": self.partner_name(s.partner_id), "kind": CATEGORY_IN_DUTCH[s.category],
                      "amount": s.amount.replace(".", ",") if s.amount else None,
                      "since": dutch_date(s.arrears_since) if s.arrears_since else "onbekend"} for s in signals],
        )


def to_pdf(text: str, *, title: str) -> bytes:
    """Lay the letter's text out on A4. `## ` lines become headings.

    The prepared writer when it can (`prepared_pdf`, about a millisecond), else fpdf2 (100 to 200 ms
    of CPU: callers on the event loop run that in a thread, see `handlers/send_letter.py`)."""
    return prepared_pdf(text, title=title) or fpdf2_pdf(text, title=title)


def prepared_pdf(text: str, *, title: str) -> bytes | None:
    """The letter from fonts subset and made into PDF objects once per process (letter_pdf.py): the
    usual characters, else the wider set; None when the text has a character outside both, or
    DejaVu is not installed."""
    usual = _prepared_writer(wide=False)
    if usual is None:
        return None
    pdf = usual.render(text, title=title)
    if pdf is None:
        pdf = _prepared_writer(wide=True).render(text, title=title)  # type: ignore[union-attr]
    return pdf


@functools.cache
def _prepared_writer(*, wide: bool) -> LetterPdf | None:
    """Looked up once per process, not per letter: the two file checks alone were about 4 % of a
    letter's time (py-spy, issue 23)."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        return None
    return letter_pdf(regular, bold, tuple(WIDE_CHARACTERS)) if wide else letter_pdf(regular, bold)


def prepare_fonts() -> None:
    """Prepare the fonts now (a second or so of CPU) rather than in the first letter."""
    prepared_pdf("", title="")


def fpdf2_pdf(text: str, *, title: str) -> bytes:
    """The general path: any character the fonts have, or the core font without DejaVu."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    if (DEJAVU / "DejaVuSans.ttf").exists():
        pdf.add_font("letter", "", str(DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("letter", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        family = "letter"
    else:  # core font: Latin-1 only, so other characters are replaced
        family = "helvetica"
        text = text.encode("latin-1", errors="replace").decode("latin-1")
    for line in text.splitlines():
        if line.startswith("## "):
            pdf.set_font(family, "B", 12)
            pdf.ln(2)
            pdf.multi_cell(0, 6, line[3:], new_x="LMARGIN", new_y="NEXT")
        elif line.strip():
            pdf.set_font(family, "", 10.5)
            pdf.multi_cell(0, 5.2, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    document = bytes(pdf.output())
    # fpdf2 and fontTools leave reference cycles that the services' settled heap (ADR 0008) collects
    # only rarely: 240 such letters took a process from 73 to 343 MB. Collected here, they do not add up.
    del pdf
    gc.collect()
    return document


def load_writers(templates_dir: Path, retention: timedelta) -> dict[str, LetterWriter]:
    """A letter writer per municipality that has a folder (with municipality.toml) in `templates_dir`."""
    return {d.name: LetterWriter(templates_dir, d.name, retention=retention)
            for d in sorted(templates_dir.iterdir()) if (d / PROFILE_FILE).exists()}
