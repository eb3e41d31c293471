"""The floor of `make bench`: what two bare hops on the same broker reach, to read the ratio against.

A report takes two hops from partner to decision (intake, then matching), each a Python process that
consumes a batch and produces one record per record. Here the same two hops run without a database,
validation, sealing or tracing: hop one forwards the report, hop two wraps it in a decision with the
report's correlation id. The result is the most any pipeline of this shape can do on this machine
in Python with aiokafka; the pipeline's throughput over the floor's is the share that Vroeg's own
work leaves.

Run as `python -m vroeg_devtools.bench_floor <in topic> <out topic> <group> [decide]` it is one hop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from vroeg_contracts.envelope import correlation_id_of
from vroeg_runtime.consuming import HOT_FETCH
from vroeg_runtime.offset_commits import OffsetCommits
from vroeg_runtime.service import RELAY_PRODUCER

from . import bus

REPORTS_TOPIC = "vroeg.bench.floor.reports.v1"
EVENTS_TOPIC = "vroeg.bench.floor.events.v1"
DECISIONS_TOPIC = "vroeg.bench.floor.decisions.v1"
READY = "READY"
ASSIGNMENT_TIMEOUT_S = 60


def _decision(report: bytes) -> bytes:
    body = json.loads(report)
    return json.dumps({"event_type": "HouseholdAtRisk",
                       "correlation_id": str(correlation_id_of(body["partner_id"], body["report_id"])),
                       "payload": body}).encode()


async def hop(source: str, target: str, group: str, decide: bool) -> None:
    """Consume batches the way the services do (a hot fetch, up to 500 records, offsets committed in
    the background after the sends are confirmed) and produce one record per record, with the relay's
    producer settings."""
    consumer = AIOKafkaConsumer(source, **bus.client_options(), group_id=group, auto_offset_reset="latest",
                                enable_auto_commit=False, **HOT_FETCH)
    producer = AIOKafkaProducer(**bus.client_options(), **RELAY_PRODUCER)
    commits = OffsetCommits("floor")
    await consumer.start()
    await producer.start()
    deadline = time.monotonic() + ASSIGNMENT_TIMEOUT_S
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise SystemExit(f"{source}: no partitions assigned within {ASSIGNMENT_TIMEOUT_S} s (is the topic declared?)")
        await consumer.getmany(timeout_ms=200)
    for partition in consumer.assignment():
        await consumer.position(partition)  # settle "latest" now: what is sent after READY is read
    print(READY, flush=True)
    while True:
        batch = await consumer.getmany(timeout_ms=20, max_records=500)
        received = [r for records in batch.values() for r in records]
        sent = [await producer.send(target, _decision(r.value) if decide else r.value, key=r.key) for r in received]
        if sent:
            await asyncio.gather(*sent)
            commits.done(consumer, received)


def start_hops(run: str) -> list[subprocess.Popen[str]]:
    """Both hops as processes of their own, returned once each reads from the end of its topic."""
    hops = [subprocess.Popen([sys.executable, "-m", __name__, source, target, f"{run}-{n}", *flag],
                             stdout=subprocess.PIPE, text=True)
            for n, (source, target, flag) in enumerate([(REPORTS_TOPIC, EVENTS_TOPIC, []),
                                                        (EVENTS_TOPIC, DECISIONS_TOPIC, ["decide"])])]
    for process in hops:
        # A hop that fails exits, and the read ends with nothing.
        if process.stdout is None or process.stdout.readline().strip() != READY:
            stop_hops(hops)
            raise RuntimeError("a floor hop did not start (see its error above)")
    return hops


def stop_hops(hops: list[subprocess.Popen[str]]) -> None:
    for process in hops:
        process.kill()
    for process in hops:
        process.wait()


if __name__ == "__main__":
    # A hop that fails says so by never printing READY; aiokafka's reports of a coordinator still
    # being elected while the group forms are noise in the bench's output.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    asyncio.run(hop(sys.argv[1], sys.argv[2], sys.argv[3], decide=sys.argv[4:] == ["decide"]))
