"""A CSV import never reads ahead: the reader takes a line only when a row is asked for, and the
batch loop holds one batch at a time."""

import itertools

from intake.adapters.csv_reports import read_rows
from intake.handlers import ReportOutcome, take_in_batches
from intake.incoming import IncomingReport


class CountedLines:
    """An endless CSV file that counts how many lines were taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self):
        yield b"report_id;amount\n"
        self.taken = 1
        for number in itertools.count(1):
            self.taken += 1
            yield f"R-{number};{number},00\n".encode()


def test_the_reader_takes_one_line_per_row():
    lines = CountedLines()
    rows = read_rows(lines)
    first = next(rows)
    assert (first.data, lines.taken) == ({"report_id": "R-1", "amount": "1.00"}, 2)
    for _ in range(999):
        next(rows)
    assert lines.taken == 1001


class FakeConnection:
    def transaction(self):
        return self

    async def __aenter__(self):
        return self

    async def __aexit__(self, *_):
        return False


async def test_batches_are_taken_one_at_a_time_from_an_endless_stream():
    pulled = 0

    def endless():
        nonlocal pulled
        for number in itertools.count():
            pulled += 1
            yield IncomingReport(b"", {}, (), position=number)

    seen = []

    async def take(_conn, report):
        seen.append(pulled - report.position)  # how far the stream ran ahead of this report
        return ReportOutcome("accepted", None)

    stream = itertools.islice(endless(), 2_050)
    counts = await take_in_batches(FakeConnection(), stream, take, batch_size=100)
    assert counts.accepted == 2_050
    assert max(seen) <= 100
