"""The command line import: a file of mixed rows is counted and stored; importing it again changes
nothing; a large file is streamed in bounded memory; a workbook gets the answers of its CSV."""

import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook

from intake.bootstrap import dependencies
from intake.entrypoints.cli.import_csv import import_file
from vroeg_contracts.partner_report import today_in_amsterdam

COLUMNS = ["report_id", "partner_id", "category", "municipality_code", "signal_date", "status", "amount",
           "arrears_since", "crisis", "initials", "prefix", "surname", "street", "house_number", "house_letter",
           "postcode", "city", "bsn", "phone", "email"]


def row(run: str, number: int, **changes) -> dict:
    signal_date = today_in_amsterdam() - timedelta(days=2)
    values = {"report_id": f"csv-{run}-{number}", "partner_id": "eigen-haard", "category": "rent",
              "municipality_code": "0437", "signal_date": signal_date.isoformat(), "status": "open",
              "amount": f"{100 + number % 900},{number % 100:02d}", "arrears_since": (signal_date - timedelta(days=60)).isoformat(),
              "crisis": "false", "initials": "J.", "prefix": "van der" if number % 3 == 0 else "",
              "surname": f"Çelik{run}", "street": f"Dorpsstraat{run}", "house_number": str(number % 99_999 + 1),
              "house_letter": "", "postcode": f"{1000 + number % 8999} AB", "city": "Ouderkerk aan de Amstel",
              "bsn": "", "phone": "06 1234 5678", "email": ""}
    return values | changes


def write_csv(path: Path, rows, separator=";") -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.DictWriter(file, COLUMNS, delimiter=separator)
        writer.writeheader()
        writer.writerows(rows)  # a generator: the file is written row by row
    return path


def run_import(path: Path, command: str = "import-csv") -> str:
    done = subprocess.run([sys.executable, "-m", "intake", command, str(path), "--partner", "eigen-haard"],
                          capture_output=True, text=True, timeout=600, env=os.environ)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_mixed_file_is_counted_and_importing_it_again_changes_nothing(tmp_path, residents, outbox):
    run = residents.run
    rows = [row(run, 1), row(run, 2), row(run, 3, postcode="0000 XX"), row(run, 4, category="water"),
            row(run, 5, amount="-3,00"), row(run, 6, signal_date="2999-01-01"), row(run, 1),  # row 1 again
            row(run, 2, status="resolved")]  # a resolve of row 2
    path = write_csv(tmp_path / "mixed.csv", rows)
    with path.open("a", encoding="utf-8") as file:
        file.write("te;weinig;kolommen\n")

    first = run_import(path)
    assert first.splitlines()[-1].endswith("9 rows, 4 accepted (1 of them seen before), 5 rejected")
    assert "line 4: client.postcode:" in first and "line 5: arrears.category:" in first
    assert "line 6: arrears.amount:" in first and "line 7: arrears.signal_date:" in first
    assert "line 10: (row): has 3 columns where the header has 20" in first
    written = await outbox.written()
    second = run_import(path)
    assert second.splitlines()[-1].endswith("9 rows, 4 accepted (4 of them seen before), 5 rejected")
    assert await outbox.written() == written
    assert [e["payload"]["status"] for e in await outbox.arrears_reported(f"csv-{run}-2")] == ["open", "resolved"]
    published, = await outbox.arrears_reported(f"csv-{run}-1")
    assert published["payload"]["amount"] == "101.01"  # `101,01` in the file


def memory_kib() -> dict[str, int]:
    """The process's resident set now and at its peak, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


async def test_a_large_file_is_imported_in_bounded_memory(platform, tmp_path, residents, outbox):
    rows = 20_000
    before = await outbox.written()
    path = write_csv(tmp_path / "large.csv", (row(residents.run, n) for n in range(rows)))
    samples = {}

    def after_batch(counts):
        if counts.rows >= 5_000 and "early" not in samples:
            samples["early"] = memory_kib()
        samples["late"] = memory_kib()

    counts = await import_file(dependencies(), path, "eigen-haard", progress=False, after_batch=after_batch)
    assert (counts.accepted, counts.rejected) == (rows, 0)
    growth = {name: samples["late"][name] - samples["early"][name] for name in ("VmRSS", "VmHWM")}
    print(f"file {path.stat().st_size // 1024} KiB; after 5,000 rows {samples['early']}, "
          f"after {rows:,} rows {samples['late']}; growth {growth} KiB")
    # Keeping as little as 300 bytes for each of the 15,000 later rows (their answers, say) would add
    # more than 4 MiB; streaming keeps the peak where it was after the first batches.
    assert growth["VmHWM"] < 4 * 1024, growth
    # Nobody downstream needs these 20,000 reports: published, they cost matching's tests half a minute.
    assert await outbox.discard_since(before) == rows


def write_xlsx(path: Path, rows) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(COLUMNS)
    for values in rows:
        sheet.append([values[column] for column in COLUMNS])
    book.save(path)
    return path


async def test_a_workbook_is_imported_with_the_same_answers_as_its_csv(tmp_path, residents):
    run = residents.run
    rows = [row(run, 1), row(run, 2, postcode="0000 XX"), row(run, 3, category="water"), row(run, 4)]
    workbook = run_import(write_xlsx(tmp_path / "mixed.xlsx", rows), command="import")
    assert workbook.splitlines()[-1].endswith("4 rows, 2 accepted (0 of them seen before), 2 rejected")
    assert "row 3: client.postcode:" in workbook and "row 4: arrears.category:" in workbook
    again_as_csv = run_import(write_csv(tmp_path / "mixed.csv", rows))
    assert again_as_csv.splitlines()[-1].endswith("4 rows, 2 accepted (2 of them seen before), 2 rejected")
    assert "line 3: client.postcode:" in again_as_csv and "line 4: arrears.category:" in again_as_csv
