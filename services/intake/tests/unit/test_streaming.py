"""A CSV import never reads ahead: the reader takes a line only when a row is asked for, and the
batch loop holds one batch at a time."""

import itertools

from intake.adapters.csv_reports import read_rows
from intake.adapters.batch_repository import NotLoaded
from intake.adapters.incoming import IncomingReport
from intake.domain.outcome import ReportOutcome
from intake.handlers.import_csv import take_in_batches


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


async def test_a_batch_the_batch_taker_cannot_take_is_taken_report_by_report():
    reports = [IncomingReport(b"", {}, (), position=number) for number in range(250)]
    one_by_one = []

    async def take(_conn, report):
        one_by_one.append(report.position)
        return ReportOutcome("accepted", None)

    async def take_batch(_conn, batch):
        if batch[0].position == 100:  # the second batch needs what the loader did not load
            raise NotLoaded("eigen-haard")
        return [ReportOutcome("rejected", None) for _ in batch]

    counts = await take_in_batches(FakeConnection(), reports, take, take_batch=take_batch, batch_size=100)
    assert one_by_one == list(range(100, 200))
    assert (counts.accepted, counts.rejected) == (100, 150)
