"""The garbage collector, set for a service that handles batches of records all day (ADR 0008).

CPython's collector looks at the whole heap in a full (generation 2) collection. With the default
thresholds (700, 10, 10) a busy service ran one every second or so: the records of a batch in
flight live long enough to be promoted, and each full collection then walked every object of the
process, most of them modules, pydantic schemas and phone number metadata loaded at start-up.
Under `make bench` that was 40 to 190 ms with the event loop stopped, 10 to 15 times per 30,000
reports in each of intake and matching: the largest single cause of the p99, and 5 % of their CPU.

So, once a service has started: collect, freeze what is there (it stays for the process's life and
is never scanned again), and collect the young generation only every 50,000 net allocations of
tracked objects, by which time a batch is usually done and its objects are freed by reference
counting alone. Measured with 30,000 reports on a warm platform: no pause over 5 ms, 8 to 10 %
less CPU per report in both services (docs/performance.md).
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def settle() -> None:
    """Call once start-up is done: what exists now is kept for the life of the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
