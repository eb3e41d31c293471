"""The benchmark's reports are all valid and each its own household, at the full 100,000 too (a
report intake refuses never gets a decision, and the benchmark would wait for it)."""

import json

from vroeg_contracts.partner_report import PartnerReportV1
from vroeg_devtools.bench import reports


def test_a_national_month_of_bench_reports_is_valid_and_never_shares_a_household():
    made = reports(100_000, "t", seed=1)
    bodies = [PartnerReportV1.model_validate_json(payload) for _, payload, _ in made]
    assert len({(b.client.postcode, b.client.house_number) for b in bodies}) == len(made)


def test_the_floor_decides_each_report_as_the_bench_counts_it():
    from vroeg_contracts.envelope import correlation_id_of
    from vroeg_devtools.bench import DECISION_TYPES
    from vroeg_devtools.bench_floor import _decision

    partner, payload, report_id = reports(3, "t", seed=1)[2]
    decided = json.loads(_decision(payload))
    assert decided["event_type"] in DECISION_TYPES
    assert decided["correlation_id"] == str(correlation_id_of(partner, report_id))


def test_the_bench_reads_an_event_from_its_headers_as_from_its_payload():
    import uuid
    from types import SimpleNamespace

    from vroeg_contracts.envelope import Envelope
    from vroeg_contracts.events import ErasureRequested
    from vroeg_devtools.bench import _identity
    from vroeg_runtime.outbox import OutboxMessage

    message = OutboxMessage.of(Envelope.wrap(ErasureRequested(request_id=uuid.uuid4(), person_key=None, reason="right_to_erasure"),
                                             producer="consent", municipality_code="0437", household_key="hh",
                                             correlation_id=uuid.uuid4()))
    published = SimpleNamespace(value=message.payload, headers=[(k, v.encode()) for k, v in message.headers.items()])
    bare = SimpleNamespace(value=message.payload, headers=[])
    assert _identity(published) == _identity(bare) == {"event_type": "ErasureRequested",
                                                       "correlation_id": message.headers["correlation_id"]}


def test_the_latency_is_split_into_its_stretches_from_the_records_times():
    import time

    from vroeg_devtools.bench import _hops

    to_perf = time.perf_counter() - time.time()  # wall clock to perf_counter, in seconds
    sent_wall = time.time() - 10
    stretches = [(sent_wall + n + to_perf, f"c{n}", int((sent_wall + n) * 1000) + 80 + 20 * n,
                  sent_wall + n + to_perf + 0.1 + 0.02 * n + 0.005) for n in range(3)]
    arrears_at = {f"c{n}": int((sent_wall + n) * 1000) + 30 + 10 * n for n in range(3)}
    arrears_at.pop("c2")  # its ArrearsReported was not read: left out, not counted as zero
    hops = _hops(stretches, arrears_at)
    expected = {"to_arrears_reported": [35, 40], "to_decision": [55, 60], "to_reader": [25, 25]}  # p50, p99
    assert hops.keys() == expected.keys()
    # Record times are whole milliseconds: within one of the exact value.
    assert all(abs(got - want) <= 1 for name in expected for got, want in zip(hops[name], expected[name]))
