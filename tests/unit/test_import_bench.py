"""The import benchmark's CSV: each row its own household in a served municipality, about 1 % bad
rows that each differ (so each is stored as its own rejection); and how it reads RSS samples and
the import command's summary line."""

import csv
import io
from datetime import date

from intake.adapters.incoming import csv_reports
from vroeg_devtools.import_bench import COLUMNS, csv_rows, rss_profile, summary_counts
from vroeg_devtools.synthetic import MUNICIPALITIES


def test_rows_are_separate_households_with_one_bad_row_in_a_hundred():
    rows = list(csv_rows(10_000, "t", seed=1, today=date(2026, 12, 7)))
    good = [row for row in rows if len(row) == len(COLUMNS)]
    addresses = {(row[COLUMNS.index("postcode")], row[COLUMNS.index("house_number")], row[COLUMNS.index("street")])
                 for row in good}
    assert len(addresses) == len(good)
    assert {row[COLUMNS.index("municipality_code")] for row in good} == set(MUNICIPALITIES)
    bad = rows[99::100]
    assert len(bad) == 100 and len({tuple(row) for row in bad}) == 100


def test_intake_reads_every_row_and_only_the_bad_ones_fail_to_parse():
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(500, "t", seed=2, today=date(2026, 12, 7)))
    read = list(csv_reports(io.BytesIO(text.getvalue().encode())))
    assert len(read) == 500
    assert sum(bool(report.errors) for report in read) == 1  # the column-count row; the others fail validation


def test_rss_profile_takes_the_last_sample_at_each_quarter():
    samples = [(0.0, 50.0), (1.0, 80.0), (2.0, 120.0), (3.0, 90.0), (4.0, 95.0)]
    assert rss_profile(samples) == {"start": 50.0, "peak": 120.0, "p25": 80.0, "p50": 120.0, "p75": 90.0, "p100": 95.0}
    assert rss_profile([]) == {}


def test_summary_counts_reads_the_import_commands_last_line():
    line = "f.csv: 1000 rows, 990 accepted (0 of them seen before, 3 with an invalid optional field left out), 10 rejected"
    assert summary_counts(line) == {"accepted": 990, "rejected": 10}
