"""The letter stage alone: CPU per letter laid out with fpdf2 (the general path) and with the prepared
writer (`outreach.adapters.letter_pdf`), one first letter of Ouder-Amstel rendered N times.

    .venv/bin/python -m vroeg_devtools.letter_bench [--letters 500] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from datetime import date, timedelta

from outreach.adapters.letters import LetterSignal, fpdf2_pdf, load_writers, prepare_fonts, to_pdf
from outreach.config import OutreachSettings
from vroeg_contracts.partner_report import Category
from vroeg_contracts.privacy import ContactDetails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile both paths, top 25 by cumulative time")
    args = parser.parse_args()
    writer = load_writers(OutreachSettings().templates_dir, timedelta(days=180))["0437"]
    contact = ContactDetails(initials="B.", surname="Bench1", street="Benchstraat", house_number=12,
                             postcode="1000AB", city="Ouderkerk aan de Amstel", phone="+31611234567")
    signals = [LetterSignal("woonzorg", Category.RENT, "123.00", date(2026, 10, 1))]
    text = writer.render_text("first_letter", contact=contact, signals=signals, sent_on=date.today(),
                              reference="VR-1234", next_step="call")
    prepare_fonts()
    for name, write, count in (("fpdf2", fpdf2_pdf, max(1, args.letters // 25)), ("prepared", to_pdf, args.letters)):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            pdf = write(text, title="Brief VR-1234")
        print(f"{name}: {(time.process_time() - cpu) / count * 1000:.2f} ms CPU, "
              f"{(time.perf_counter() - wall) / count * 1000:.2f} ms wall per letter, {len(pdf)} bytes ({count} letters)")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda w=write, n=count: [w(text, title="Brief") for _ in range(n)])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
