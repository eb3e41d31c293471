"""`make bench`: the pipeline's throughput and latency on the real platform, against raw Kafka.

1. Baseline: the same report payloads produced and consumed with plain aiokafka on the same broker.
2. Throughput: N reports (default 100,000, a national month) into intake and matching alone (as the
   floor is two hops alone) as fast as they can be sent; the clock runs from the first report in to
   the last HouseholdAtRisk or SignalNotPickedUp out. Floor: the same number of reports through two
   bare Python hops on the same broker (`bench_floor`), the most a two-hop pipeline in Python
   reaches here.
3. Latency: reports at a steady rate (default 500/s); per report, the time from sending it to
   reading its decision, and the same per stretch of the way (`latency_hops_ms`: to intake's
   ArrearsReported, to matching's decision, to the bench), from the records' times. A warm-up at
   the same rate comes first (`--warmup-seconds`, 20 by default; `warmup_p50_ms`, `warmup_p99_ms`):
   for about 20 s of a steady stream the broker compiles the code that serves one (its held
   fetches), with 0.4 of a core.
4. The whole chain (issue 23): outreach starts (two instances by default, `--outreach-instances`:
   one process holds about 150 letters/s here and leaves the second core partly idle), its consumer
   group past the decisions so far, and a second national month (`--chain-reports`) goes through
   all four services: every HouseholdAtRisk opens a case, whose schedule writes the first letter
   (a PDF on disk) and publishes LetterSent. `chain_s` runs from the first report in to the last
   LetterSent out; `letters_per_s` is letters over that time. A last steady phase at a rate the letter stage holds (`--letter-rate`, default
   25 reports/s, so 20 letters/s) gives p50/p99 from a report to its LetterSent.
5. Peak resident memory of each service process, and the CPU each of intake, matching and the two
   floor hops spent per report in their throughput phases (`cpu_ms_per_report`).

The last line printed is one JSON object. Consent runs but gets no work (no one asks to share data).
The letters are written under the run's state directory and deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any
from datetime import timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from vroeg_contracts import topics
from vroeg_contracts.envelope import correlation_id_of
from vroeg_contracts.partner_report import today_in_amsterdam

from . import bench_floor, bus
from .stack import Stack
from .synthetic import MUNICIPALITIES, PARTNERS

BASELINE_TOPIC = "vroeg.bench.baseline.v1"
DECISION_TYPES = {"HouseholdAtRisk", "SignalNotPickedUp"}
LETTER_TYPES = {"LetterSent"}


def reports(count: int, run: str, seed: int, postcode_letters: str = "AB") -> list[tuple[str, bytes, str]]:
    """(partner, payload, report id): every report its own household, a fifth of them below threshold,
    so each yields exactly one HouseholdAtRisk or SignalNotPickedUp. Each phase of a run uses its own
    postcode letters: a household key is over the address, so phases never share a household."""
    rng = random.Random(seed)
    partners = sorted(MUNICIPALITIES["0437"].partners)  # those that report for Ouder-Amstel
    today = today_in_amsterdam()
    out = []
    for i in range(count):
        partner = partners[i % len(partners)]
        signal_date = today - timedelta(days=rng.randint(0, 25))
        days = 10 if i % 5 == 0 else rng.randint(35, 120)
        report_id = f"{run}-{i}"
        body = {"report_id": report_id, "partner_id": partner,
                "arrears": {"category": PARTNERS[partner], "municipality_code": "0437",
                            "signal_date": signal_date.isoformat(), "status": "open",
                            "amount": f"{rng.randint(40, 2000)}.00",
                            "arrears_since": (signal_date - timedelta(days=days)).isoformat()},
                # 8999 and 99999 share no factor, so (postcode, house number) repeats only after
                # 8999 x 99999 reports; the contract allows house numbers up to 99999.
                "client": {"initials": "B.", "surname": f"Bench{i}", "street": f"Benchstraat {run}",
                           "house_number": i % 99_999 + 1, "postcode": f"{1000 + i % 8999} {postcode_letters}",
                           "city": "Ouderkerk aan de Amstel", "phone": f"+3161{i % 10_000_000:07d}"}}
        out.append((partner, json.dumps(body).encode(), report_id))
    return out


async def _send_at_rate(producer: AIOKafkaProducer, payloads: list[tuple[str, bytes, str]], rate: float,
                        sent_at: dict[str, float], key_of: Callable[[str, str], str]) -> None:
    """Send the payloads at `rate` a second, noting when each was sent under `key_of(partner, report_id)`.

    Every 10 ms the reports due by then go out together, not one sleep per report: the bench's own
    clients took a third of a core at 500/s on this machine, which the services under test then
    had to share."""
    start = time.perf_counter()
    index = 0
    while index < len(payloads):
        due = min(len(payloads), int((time.perf_counter() - start) * rate) + 1)
        for partner, payload, report_id in payloads[index:due]:
            sent_at[key_of(partner, report_id)] = time.perf_counter()
            await producer.send(topics.partner_reports(partner), payload, key=report_id.encode())
        index = due
        await asyncio.sleep(0.01)
    await producer.flush()


async def _producer() -> AIOKafkaProducer:
    producer = AIOKafkaProducer(**bus.client_options(), acks="all", enable_idempotence=True,
                                linger_ms=5, max_batch_size=262_144)
    await producer.start()
    return producer


async def _consumer(topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(topic, **bus.client_options(), group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_bytes=52_428_800)
    await consumer.start()
    return consumer


async def baseline(payloads: list[tuple[str, bytes, str]]) -> float:
    """Messages per second for produce-then-consume of the same payloads, raw aiokafka."""
    consumer = await _consumer(BASELINE_TOPIC)
    producer = await _producer()
    started = time.perf_counter()
    try:
        futures = [await producer.send(BASELINE_TOPIC, payload, key=report_id.encode()) for _, payload, report_id in payloads]
        await asyncio.gather(*futures)
        seen = 0
        while seen < len(payloads):
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(records) for records in batch.values())
        return len(payloads) / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()


def _identity(record: Any) -> dict[str, str]:
    """An event's type and correlation id, from the headers every envelope is published with (so the
    bench parses no payload), or from the payload of a record without them."""
    headers = dict(record.headers or ())
    if "event_type" in headers and "correlation_id" in headers:
        return {"event_type": headers["event_type"].decode(), "correlation_id": headers["correlation_id"].decode()}
    envelope = json.loads(record.value)
    return {"event_type": envelope["event_type"], "correlation_id": envelope["correlation_id"]}


async def _count_decisions(consumer: AIOKafkaConsumer, want: int, on_decision=None, stalled: float = 120,  # type: ignore[no-untyped-def]
                           ours=None, types: set[str] = DECISION_TYPES) -> float:
    """Read decisions until `want` of them (of `ours` correlation ids, if given) were seen; give up
    when none came for `stalled` seconds (a report that never gets a decision, say)."""
    seen = 0
    progress = time.monotonic()
    while seen < want:
        if time.monotonic() - progress > stalled:
            raise TimeoutError(f"only {seen} of {want} decisions, and none for {stalled:.0f} s")
        before = seen
        batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
        now = time.perf_counter()
        for records in batch.values():
            for record in records:
                envelope = _identity(record) | {"published_ms": record.timestamp}
                if envelope["event_type"] in types and (ours is None or envelope["correlation_id"] in ours):
                    seen += 1
                    if on_decision:
                        on_decision(envelope, now)
        if seen > before:
            progress = time.monotonic()
    return time.perf_counter()


async def throughput(payloads: list[tuple[str, bytes, str]], *,
                     to: Callable[[str], str] = topics.partner_reports, decisions: str = topics.MATCHING_DECISIONS,
                     only_ours: bool = False) -> float:
    """Reports per second from the first sent to `to(partner)` to the last decision read from
    `decisions` (counting only this run's decisions if `only_ours`)."""
    consumer = await _consumer(decisions)
    producer = await _producer()
    ours = {str(correlation_id_of(p, rid)) for p, _, rid in payloads} if only_ours else None
    try:
        started = time.perf_counter()
        futures = [await producer.send(to(p), payload, key=rid.encode()) for p, payload, rid in payloads]
        await asyncio.gather(*futures)
        print(f"  sent {len(payloads)} reports in {time.perf_counter() - started:.1f} s; waiting for decisions ...", flush=True)
        finished = await _count_decisions(consumer, len(payloads), ours=ours)
        return len(payloads) / (finished - started)
    finally:
        await producer.stop()
        await consumer.stop()


async def chain_throughput(payloads: list[tuple[str, bytes, str]]) -> tuple[float, float, float, int]:
    """The whole chain at full speed: (reports/s to the last decision, as `throughput`; seconds from
    the first report sent to the last LetterSent read; letters per second over that time; letters).
    Every HouseholdAtRisk among this run's decisions must be followed by one LetterSent."""
    decisions = await bus.reader_at_end(topics.MATCHING_DECISIONS, fetch_max_bytes=52_428_800)
    letters = await bus.reader_at_end(topics.OUTREACH_CASE_EVENTS, fetch_max_bytes=52_428_800)
    producer = await _producer()
    ours = {str(correlation_id_of(p, rid)) for p, _, rid in payloads}
    at_risk: set[str] = set()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topics.partner_reports(p), payload, key=rid.encode()) for p, payload, rid in payloads]
        await asyncio.gather(*futures)
        print(f"  sent {len(payloads)} reports in {time.perf_counter() - started:.1f} s; waiting for decisions and letters ...",
              flush=True)

        count = _LetterCount()
        letters_task = asyncio.create_task(_count_letters(letters, ours, count))
        decided = await _count_decisions(decisions, len(payloads), _collect_at_risk(at_risk), ours=ours)
        print(f"  decisions: {len(payloads) / (decided - started):.1f} reports/s; {len(at_risk)} households at risk; "
              f"waiting for their letters ...", flush=True)
        lettered = await _wait_letters(letters_task, count, at_risk)
        seconds = lettered - started
        return len(payloads) / (decided - started), seconds, len(at_risk) / seconds, len(at_risk)
    finally:
        await producer.stop()
        await decisions.stop()
        await letters.stop()


def _collect_at_risk(at_risk: set[str]) -> Callable[[dict, float], None]:
    """A decision callback that adds the correlation id of each HouseholdAtRisk to `at_risk`."""
    def on_decision(envelope: dict, _now: float) -> None:
        if envelope["event_type"] == "HouseholdAtRisk":
            at_risk.add(envelope["correlation_id"])
    return on_decision


class _LetterCount:
    """When each correlation id's LetterSent was read, filled by `_count_letters`."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.last = time.perf_counter()  # when the last one was read


async def _count_letters(consumer: AIOKafkaConsumer, ours: set[str] | dict[str, str], count: _LetterCount) -> None:
    """Read LetterSent events of `ours` into `count` until cancelled."""
    while True:
        batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
        now = time.perf_counter()
        for records in batch.values():
            for record in records:
                envelope = _identity(record)
                if envelope["event_type"] in LETTER_TYPES and envelope["correlation_id"] in ours:
                    count.seen.setdefault(envelope["correlation_id"], now)
                    count.last = now


async def _wait_letters(task: asyncio.Task, count: _LetterCount, want: set[str], stalled: float = 120) -> float:  # type: ignore[type-arg]
    """Wait until every correlation id in `want` had its LetterSent; the time the last was read."""
    try:
        while not want <= count.seen.keys():
            if task.done():
                task.result()  # raises what the reader raised
            if time.perf_counter() - count.last > stalled:
                raise TimeoutError(f"only {len(want & count.seen.keys())} of {len(want)} letters, "
                                   f"and none for {stalled:.0f} s")
            await asyncio.sleep(0.2)
        return max((count.seen[c] for c in want), default=time.perf_counter())
    finally:
        task.cancel()


async def letter_latency(payloads: list[tuple[str, bytes, str]], rate: float) -> tuple[float, float, int]:
    """p50 and p99 in ms from sending a report to reading its LetterSent, at a steady rate, and how
    many letters that is (reports below the threshold get none)."""
    decisions = await bus.reader_at_end(topics.MATCHING_DECISIONS, fetch_max_bytes=52_428_800)
    letters = await bus.reader_at_end(topics.OUTREACH_CASE_EVENTS, fetch_max_bytes=52_428_800)
    producer = await _producer()
    sent_at: dict[str, float] = {}
    by_correlation = {str(correlation_id_of(p, rid)): rid for p, _, rid in payloads}
    at_risk: set[str] = set()
    phase_start = time.perf_counter()

    async def send() -> None:
        await _send_at_rate(producer, payloads, rate, sent_at, lambda partner, report_id: str(
            correlation_id_of(partner, report_id)))

    try:
        count = _LetterCount()
        letters_task = asyncio.create_task(_count_letters(letters, by_correlation, count))
        sender = asyncio.create_task(send())
        await _count_decisions(decisions, len(payloads), _collect_at_risk(at_risk), ours=by_correlation)
        await sender
        await _wait_letters(letters_task, count, at_risk)
        seen = count.seen
    finally:
        await producer.stop()
        await decisions.stop()
        await letters.stop()
    latencies = [(sent_at[c] - phase_start, (seen[c] - sent_at[c]) * 1000) for c in at_risk]
    p50, p99 = _print_windows(latencies, "letters")
    return p50, p99, len(latencies)


async def latency(payloads: list[tuple[str, bytes, str]], rate: float) -> tuple[float, float, dict[str, list[float]]]:
    """p50 and p99 in ms from sending a report to reading its decision, at a steady rate; and the
    same per stretch of the way (`_hops`)."""
    # From the end: reading the throughput phase's decisions first would be timed as latency.
    consumer = await bus.reader_at_end(topics.MATCHING_DECISIONS, fetch_max_bytes=52_428_800)
    arrears = await bus.reader_at_end(topics.ARREARS_REPORTED, fetch_max_bytes=52_428_800)
    producer = await _producer()
    sent_at: dict[str, float] = {}
    latencies: list[tuple[float, float]] = []  # (when sent, seconds into the phase; latency in ms)
    # Per report: (sent, intake published its ArrearsReported, matching published the decision, read).
    stretches: list[tuple[float, str, int, float]] = []
    arrears_at: dict[str, int] = {}
    phase_start = time.perf_counter()
    by_correlation = {str(correlation_id_of(p, rid)): rid for p, _, rid in payloads}

    def on_decision(envelope: dict, now: float) -> None:
        report_id = by_correlation.get(envelope["correlation_id"])
        if report_id in sent_at:
            sent = sent_at.pop(report_id)
            latencies.append((sent - phase_start, (now - sent) * 1000))
            stretches.append((sent, envelope["correlation_id"], envelope["published_ms"], now))

    async def send() -> None:
        await _send_at_rate(producer, payloads, rate, sent_at, lambda _partner, report_id: report_id)

    try:
        sender = asyncio.create_task(send())
        reading = asyncio.create_task(_published_at(arrears, arrears_at))
        await _count_decisions(consumer, len(payloads), on_decision, ours=by_correlation)
        await sender
        await asyncio.sleep(1)  # the last ArrearsReported were read before their decisions; this is ample
        reading.cancel()
    finally:
        await producer.stop()
        await consumer.stop()
        await arrears.stop()
    p50, p99 = _print_windows(latencies, "reports")
    return p50, p99, _hops(stretches, arrears_at)


async def _published_at(consumer: AIOKafkaConsumer, published: dict[str, int]) -> None:
    """Note when each event read was published (its record's time, set by the relay's producer), by
    correlation id, until cancelled."""
    while True:
        batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
        for records in batch.values():
            for record in records:
                published[_identity(record)["correlation_id"]] = record.timestamp


def _hops(stretches: list[tuple[float, str, int, float]], arrears_at: dict[str, int]) -> dict[str, list[float]]:
    """p50 and p99 in ms of each stretch from a report to its decision, from the records' times
    (wall clock, in ms, as the relays' producers set them):
    - `to_arrears_reported`: the report sent, until intake's relay publishes its ArrearsReported
      (Kafka, intake's fetch and batch, its commit, the relay finding the row);
    - `to_decision`: from there until matching's relay publishes the decision (the broker's
      acknowledgement to intake, matching's fetch and batch, its commit, its relay);
    - `to_reader`: from there until the bench reads it (the broker's acknowledgement to matching,
      the bench's fetch)."""
    wall = time.time() - time.perf_counter()  # perf_counter to wall clock, in seconds
    names = ("to_arrears_reported", "to_decision", "to_reader")
    parts: dict[str, list[float]] = {name: [] for name in names}
    by_window: dict[int, dict[str, list[float]]] = {}  # the same per 5 s window of sending
    first = min((sent for sent, *_ in stretches), default=0.0)
    for sent, correlation_id, decided_ms, read in stretches:
        if (arrears_ms := arrears_at.get(correlation_id)) is None:
            continue
        window = by_window.setdefault(int((sent - first) // 5) * 5, {name: [] for name in names})
        for name, ms in zip(names, (arrears_ms - (sent + wall) * 1000, decided_ms - arrears_ms,
                                    (read + wall) * 1000 - decided_ms)):
            parts[name].append(ms)
            window[name].append(ms)
    for start, window in sorted(by_window.items()):
        print(f"  sent {start:3d}-{start + 5:3d} s: p50 by stretch " + ", ".join(
            f"{name} {statistics.median(values):5.1f}" for name, values in window.items()) + " ms", flush=True)
    result = {name: [round(v, 1) for v in _percentiles(values)] for name, values in parts.items() if values}
    for name, (p50, p99) in result.items():
        print(f"  {name}: p50 {p50:6.1f} ms, p99 {p99:6.1f} ms", flush=True)
    return result


def _print_windows(latencies: list[tuple[float, float]], what: str) -> tuple[float, float]:
    """Print p50 and p99 per 5 s window of a phase ((seconds into it when sent, latency in ms)), so a
    transient (a plan gone stale, a vacuum) shows where it happened; return the phase's p50 and p99."""
    windows: dict[int, list[float]] = {}
    for sent, ms in latencies:
        windows.setdefault(int(sent // 5) * 5, []).append(ms)
    for start, values in sorted(windows.items()):
        p50, p99 = _percentiles(values)
        print(f"  sent {start:3d}-{start + 5:3d} s: {len(values):5d} {what}, p50 {p50:6.1f} ms, p99 {p99:6.1f} ms", flush=True)
    return _percentiles([ms for _, ms in latencies])


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuPerReport:
    """CPU milliseconds per report of some processes over a phase. Throughput on two cores moves with
    whatever else the machine does; the CPU a report costs each process moves much less, so it is
    the number to compare changes by (`cpu_ms_per_report` in the JSON)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._start = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def per_report(self, reports: int) -> dict[str, float]:
        return {name: round((cpu_seconds(pid) - self._start[name]) * 1000 / reports, 3)
                for name, pid in self._pids.items()}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def run(args: argparse.Namespace) -> dict:
    run_id = f"bench{random.randrange(10**6)}"
    payloads = reports(args.reports, run_id, args.seed)
    print(f"baseline: raw aiokafka produce+consume of {len(payloads)} payloads ...", flush=True)
    baseline_rate = await baseline(payloads)
    print(f"  baseline: {baseline_rate:.1f} msgs/s", flush=True)
    print(f"floor: {len(payloads)} reports through two bare hops (no database, no validation) ...", flush=True)
    hops = bench_floor.start_hops(run_id)
    try:
        floor_cpu = CpuPerReport({f"hop_{n}": hop.pid for n, hop in enumerate(hops, start=1)})
        floor_rate = await throughput(reports(args.reports, run_id + "f", args.seed + 2), only_ours=True,
                                      to=lambda _: bench_floor.REPORTS_TOPIC, decisions=bench_floor.DECISIONS_TOPIC)
        cpu_ms = floor_cpu.per_report(args.reports)
    finally:
        bench_floor.stop_hops(hops)
    print(f"  floor: {floor_rate:.1f} reports/s", flush=True)
    letters_dir = Path(os.environ.get("VROEG_STATE_DIR", ".vroeg")) / "bench-letters"
    stack = Stack(env={"VROEG_JSON_LOGS": "true", "VROEG_LOG_LEVEL": args.log_level,
                       "OUTREACH_LETTERS_DIR": str(letters_dir),
                       # Three schedule workers write letters side by side (one is the default).
                       "OUTREACH_SCHEDULE_WORKERS": "3"})
    # Intake and matching first, alone, as the floor is two hops alone (`share_of_floor`).
    stack.start(("intake", "matching", "consent"))
    try:
        print(f"pipeline: {len(payloads)} reports through intake and matching ...", flush=True)
        pipeline_cpu = CpuPerReport({name: stack[name].process.pid for name in ("intake", "matching")})
        pipeline_rate = await throughput(payloads)
        cpu_ms.update(pipeline_cpu.per_report(len(payloads)))
        print(f"  pipeline: {pipeline_rate:.1f} reports/s; baseline {baseline_rate:.1f} msgs/s", flush=True)
        # The broker compiles the code of a steady stream (fetches held for their wait, small produce
        # requests) in the first 20 s or so of one, with 0.4 of a core of the two: a broker that has
        # run for a day has long done so. The warm-up is timed as well, and reported apart.
        warmup = reports(int(args.rate * args.warmup_seconds), run_id + "w", args.seed + 5, postcode_letters="KL")
        print(f"latency, warm-up: {len(warmup)} reports at {args.rate:.0f}/s ...", flush=True)
        warm_p50, warm_p99, _ = await latency(warmup, args.rate) if warmup else (0.0, 0.0, {})
        steady = reports(int(args.rate * args.steady_seconds), run_id + "s", args.seed + 1, postcode_letters="CD")
        print(f"latency: {len(steady)} reports at {args.rate:.0f}/s ...", flush=True)
        p50, p99, by_stretch = await latency(steady, args.rate)
        # Outreach starts past the decisions so far: the chain is timed on reports of its own.
        stack.skip_history = True
        stack.start(("outreach",))
        for _ in range(args.outreach_instances - 1):  # outreach scales out: its consumer group and schedule share the work
            stack.add_instance("outreach")
        chain = reports(args.chain_reports, run_id + "c", args.seed + 4, postcode_letters="GH")
        print(f"chain: {len(chain)} reports through all four services, letters written ...", flush=True)
        chain_rate, chain_s, letters_rate, letter_count = await chain_throughput(chain)
        print(f"  chain: {letter_count} letters, last LetterSent {chain_s:.1f} s after the first report; "
              f"{letters_rate:.1f} letters/s", flush=True)
        letter_steady = reports(int(args.letter_rate * args.steady_seconds), run_id + "l", args.seed + 3,
                                postcode_letters="EF")
        print(f"letter latency: {len(letter_steady)} reports at {args.letter_rate:.0f}/s, report to LetterSent ...",
              flush=True)
        letter_p50, letter_p99, letters_timed = await letter_latency(letter_steady, args.letter_rate)
        rss = {name: peak_rss_mb(service.process.pid) for name, service in stack.services.items() if service.process}
        rss.update({f"outreach_{n}": peak_rss_mb(service.process.pid)
                    for n, service in enumerate(stack.extra, start=2) if service.process})
    finally:
        stack.stop()
        shutil.rmtree(letters_dir, ignore_errors=True)
    return {"reports": len(payloads), "pipeline_reports_per_s": round(pipeline_rate, 1),
            "baseline_msgs_per_s": round(baseline_rate, 1), "ratio": round(pipeline_rate / baseline_rate, 4),
            "floor_reports_per_s": round(floor_rate, 1), "share_of_floor": round(pipeline_rate / floor_rate, 3),
            "cpu_ms_per_report": cpu_ms,
            "p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "steady_rate_per_s": args.rate, "latency_hops_ms": by_stretch,
            "warmup_seconds": args.warmup_seconds, "warmup_p50_ms": round(warm_p50, 1), "warmup_p99_ms": round(warm_p99, 1),
            "peak_rss_mb": rss, "log_level": args.log_level, "cpus": os.cpu_count(),
            "chain_reports": len(chain), "outreach_instances": args.outreach_instances, "chain_reports_per_s": round(chain_rate, 1),
            "letters": letter_count, "letters_per_s": round(letters_rate, 1), "chain_s": round(chain_s, 1),
            "letter_p50_ms": round(letter_p50, 1), "letter_p99_ms": round(letter_p99, 1),
            "letter_steady_rate_per_s": args.letter_rate, "letters_timed": letters_timed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    # The whole chain's phase: a national month by default too.
    parser.add_argument("--chain-reports", type=int, default=100_000)
    # Outreach scales out (its consumer group and its schedule share the work): two use both cores.
    parser.add_argument("--outreach-instances", type=int, default=2)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    # At --rate before the steady phase, timed apart: the broker compiles the code of a steady stream.
    parser.add_argument("--warmup-seconds", type=float, default=20.0)
    # Reports per second for the report -> LetterSent latency; four in five get a letter.
    parser.add_argument("--letter-rate", type=float, default=25.0)
    parser.add_argument("--seed", type=int, default=8)
    # The services' own default is INFO: one line per report in matching, 10 to 18 % more of its CPU
    # (docs/performance.md). WARNING measures the pipeline without that; the JSON says which.
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
