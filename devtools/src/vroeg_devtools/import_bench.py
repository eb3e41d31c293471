"""`make import-bench`: a large partner CSV through the whole pipeline, with every process's memory.

1. Writes a synthetic CSV of N rows (default 1,000,000) from one partner that reports for both
   municipalities (Vattenfall): every row its own household, spread over the streets of Ouder-Amstel
   and Amstelveen, a fifth below the arrears threshold, and about 1 % bad rows of five kinds (each
   refused with a reason).
2. Starts intake, matching and outreach as processes (`stack.Stack`) and runs
   `python -m intake import FILE --partner vattenfall` as a process of its own.
3. Samples the resident set (VmRSS) of every service and of the import command once a second.
4. Waits until every row is accounted for (intake's signals plus rejections with a reason equal the
   rows), intake's and matching's outboxes are empty, and matching's and outreach's consumer groups
   have no lag left on what they consume from the step before.

The last line printed is one JSON object: rows, accepted, rejected, the import's and the whole
pipeline's seconds, and per process the peak RSS and the RSS at 25, 50, 75 and 100 % of the run.
The exit code is 1 when a row is not accounted for or a service's peak is 200 MB or more.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from vroeg_contracts import topics
from vroeg_contracts.partner_report import today_in_amsterdam

from . import bus
from .stack import Stack
from .synthetic import MUNICIPALITIES, PARTNERS, household

PARTNER = "vattenfall"  # reports for both municipalities (services/intake/config/partners.toml)
COLUMNS = ["report_id", "partner_id", "category", "municipality_code", "signal_date", "status", "amount",
           "arrears_since", "crisis", "initials", "prefix", "surname", "street", "house_number", "house_letter",
           "postcode", "city", "bsn", "phone", "email"]
# Bad rows, one kind after the other: what a partner's export gets wrong.
BAD_KINDS = ("postcode", "category", "amount", "signal_date", "columns")
SERVICES = ("intake", "matching", "outreach")
# What each service consumes from the step before: (consumer group, topic).
FOLLOWS = {"matching": ("vroeg-matching", topics.ARREARS_REPORTED),
           "outreach": ("vroeg-outreach", topics.MATCHING_DECISIONS)}
LIMIT_MB = 200.0
# The progress poll waits this many times as long as its counts took: 5 s at least, 20 at most (the end
# of a run is seen up to that late).
POLL_COST_FACTOR = 20.0


def addresses() -> list[tuple[str, str, str, str]]:
    """(municipality code, street, postcode, city) of every street of the served municipalities."""
    return [(code, *street) for code in sorted(MUNICIPALITIES) for street in MUNICIPALITIES[code].streets]


def csv_rows(count: int, run: str, seed: int, *, today: date, bad_every: int = 100) -> Iterator[list[str]]:
    """The CSV's rows (header excluded), one at a time. Row i lives at street i % streets, house
    number i // streets + 1 (unique up to streets x 99,999 rows: 1.4 million); every `bad_every`-th
    row is bad (one of BAD_KINDS in turn) and differs from every other bad row, so each is stored
    as its own rejection."""
    rng = random.Random(seed)
    streets = addresses()
    category = PARTNERS[PARTNER]
    bad = 0
    for i in range(count):
        code, street, postcode, city = streets[i % len(streets)]
        number = i // len(streets) % 99_999 + 1
        home = household(rng, number, phone=rng.random() < 0.7, streets=[(street, postcode, city)])
        signal_date = today - timedelta(days=rng.randint(0, 30))
        days = 10 if i % 5 == 0 else rng.randint(35, 120)
        report_id = f"{run}-{i}"
        row = {"report_id": report_id, "partner_id": PARTNER, "category": category, "municipality_code": code,
               "signal_date": signal_date.isoformat(), "status": "open",
               "amount": f"{rng.randint(40, 2400)},{rng.randint(0, 99):02d}",
               "arrears_since": (signal_date - timedelta(days=days)).isoformat(), "crisis": "false",
               "initials": home.initials, "prefix": home.prefix, "surname": home.surname, "street": home.street,
               "house_number": str(home.house_number), "house_letter": "", "postcode": home.postcode,
               "city": home.city, "bsn": home.bsn or "", "phone": home.phone or "", "email": home.email or ""}
        if i % bad_every == bad_every - 1:
            kind = BAD_KINDS[bad % len(BAD_KINDS)]
            bad += 1
            if kind == "columns":
                yield [report_id, "te weinig", "kolommen"]
                continue
            row |= {"postcode": "0000 XX" if kind == "postcode" else row["postcode"],
                    "category": "water" if kind == "category" else category,
                    "amount": "-3,00" if kind == "amount" else row["amount"],
                    "signal_date": "2999-01-01" if kind == "signal_date" else row["signal_date"]}
        yield [row[name] for name in COLUMNS]


def write_csv(path: Path, count: int, run: str, seed: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(COLUMNS)
        writer.writerows(csv_rows(count, run, seed, today=today_in_amsterdam()))


def rss_profile(samples: list[tuple[float, float]]) -> dict[str, float]:
    """The first sample, the peak, and the RSS at 25, 50, 75 and 100 % of a run from (seconds into the run, MB) samples in
    time order: at each share, the last sample taken at or before that moment."""
    if not samples:
        return {}
    end = samples[-1][0]
    profile = {"start": round(samples[0][1], 1), "peak": round(max(mb for _, mb in samples), 1)}
    for share in (25, 50, 75, 100):
        moment = end * share / 100
        at = [mb for seconds, mb in samples if seconds <= moment] or [samples[0][1]]
        profile[f"p{share}"] = round(at[-1], 1)
    return profile


def vm_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


@dataclass
class Sampler:
    """Samples each named process's VmRSS once a second in a thread of its own."""

    pids: dict[str, int]
    interval: float = 1.0
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event)

    def add(self, name: str, pid: int) -> None:
        self.pids = {**self.pids, name: pid}

    def latest(self) -> dict[str, float]:
        return {name: samples[-1][1] for name, samples in list(self.samples.items()) if samples}

    def run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic() - self.started
            for name, pid in self.pids.items():
                mb = vm_rss_mb(pid)
                if mb is not None:
                    self.samples.setdefault(name, []).append((now, mb))
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def lag(admin: AIOKafkaAdminClient, ends: AIOKafkaConsumer, group: str, topic: str) -> int:
    """How many records of `topic` the consumer group has not committed yet (asked of the broker with
    a time limit: a group's coordinator can be slow to answer while the group rebalances)."""
    partitions = [TopicPartition(topic, p) for p in sorted(await bus._partitions(ends, topic))]  # noqa: SLF001
    last = await asyncio.wait_for(ends.end_offsets(partitions), 30)
    committed = await asyncio.wait_for(admin.list_consumer_group_offsets(group, partitions=partitions), 30)
    return sum(last[p] - (committed[p].offset if p in committed and committed[p].offset >= 0 else 0)
               for p in partitions)


async def accounted(intake: asyncpg.Connection) -> dict[str, int]:
    return dict(await intake.fetchrow(
        """SELECT (SELECT count(*) FROM signals WHERE partner_id = $1) AS accepted,
                  (SELECT count(*) FROM rejections WHERE partner_id = $1
                          AND jsonb_typeof(reasons) = 'array' AND jsonb_array_length(reasons) > 0) AS rejected,
                  (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS outbox""", PARTNER))


async def wait_for_pipeline(rows: int, import_done: threading.Event, *, stalled: float, until: float | None = None,
                            rss_now: Callable[[], dict[str, float]] = dict) -> tuple[dict[str, int], bool]:
    """Poll until every row is stored (accepted or rejected), the outboxes are empty and neither
    matching nor outreach lags: (the last state, True). Gives up when nothing moved for `stalled`
    seconds, and returns (the state then, False) at `until` (a time.monotonic()) if given."""
    intake = await asyncpg.connect(os.environ["INTAKE_DATABASE_URL"])
    matching = await asyncpg.connect(os.environ["MATCHING_DATABASE_URL"])
    admin = AIOKafkaAdminClient(**bus.client_options())
    await admin.start()
    ends = AIOKafkaConsumer(**bus.client_options(), group_id=None, enable_auto_commit=False)
    await ends.start()
    try:
        last, moved = None, time.monotonic()
        while True:
            polled = time.monotonic()
            state = await accounted(intake)
            state["matching_outbox"] = await matching.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            for service, (group, topic) in FOLLOWS.items():
                try:
                    state[f"{service}_lag"] = await lag(admin, ends, group, topic)
                except TimeoutError:
                    state[f"{service}_lag"] = last[f"{service}_lag"] if last else -1
            if state != last:
                rss = " ".join(f"{name} {mb:.0f}" for name, mb in rss_now().items())
                print(f"  {time.strftime('%H:%M:%S')} {json.dumps(state)} RSS MB: {rss}", flush=True)
                last, moved = state, time.monotonic()
            done = (state["accepted"] + state["rejected"] >= rows and state["outbox"] == 0
                    and state["matching_outbox"] == 0 and state["matching_lag"] == 0 and state["outreach_lag"] == 0)
            if done and import_done.is_set():
                return state, True
            if until is not None and time.monotonic() >= until:
                return state, False
            if time.monotonic() - moved > stalled:
                print(f"  nothing moved for {stalled:.0f} s: giving up", flush=True)
                return state, False
            # The counts read every row stored so far (0.6 s of PostgreSQL at 370,000 rows under load):
            # polled every 5 s they took a tenth of a core from the run they measure.
            await asyncio.sleep(min(20.0, max(5.0, POLL_COST_FACTOR * (time.monotonic() - polled))))
    finally:
        await ends.stop()
        await admin.close()
        await intake.close()
        await matching.close()


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(args: argparse.Namespace) -> dict:
    state_dir = Path(os.environ.get("VROEG_STATE_DIR", ".vroeg"))
    state_dir.mkdir(parents=True, exist_ok=True)
    path = Path(args.file or state_dir / f"import-bench-{args.rows}.csv")
    run_id = f"ib{random.randrange(10**6)}"
    started = time.monotonic()
    write_csv(path, args.rows, run_id, args.seed)
    print(f"wrote {args.rows:,} rows to {path} ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.monotonic() - started:.0f} s; load {load()}", flush=True)
    # Some 40 KB a letter: a million rows leave tens of GB of letters, deleted at the end.
    letters_dir = state_dir / "import-bench-letters"
    stack = Stack(env={"VROEG_JSON_LOGS": "true", "VROEG_LOG_LEVEL": args.log_level,
                       "OUTREACH_LETTERS_DIR": str(letters_dir)})
    stack.start(SERVICES)
    load_at_start = load()
    import_done = threading.Event()
    timings: dict[str, float] = {}
    output: list[str] = []
    try:
        with Sampler({name: service.process.pid for name, service in stack.services.items() if service.process}) as sampler:
            print(f"importing (load {load_at_start}) ...", flush=True)
            began = time.monotonic()
            command = subprocess.Popen([sys.executable, "-m", "intake", "import", str(path), "--partner", PARTNER],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            sampler.add("import", command.pid)

            def wait_import() -> None:
                assert command.stdout is not None
                output.extend(command.stdout.read().splitlines())
                command.wait()
                timings["import"] = time.monotonic() - began
                import_done.set()

            waiter = threading.Thread(target=wait_import, daemon=True)
            waiter.start()
            until = began + args.max_seconds if args.max_seconds else None
            state, complete = asyncio.run(wait_for_pipeline(args.rows, import_done, stalled=args.stalled, until=until,
                                                            rss_now=sampler.latest))
            timings["pipeline"] = time.monotonic() - began
            if not import_done.is_set():
                command.terminate()
            waiter.join()
        load_at_end = load()
    finally:
        stack.stop()
        shutil.rmtree(letters_dir, ignore_errors=True)
    if complete and command.returncode != 0:
        raise RuntimeError(f"the import failed ({command.returncode}): {output[-5:]}")
    print("\n".join(output[-3:]), flush=True)
    # An import cut short (--max-seconds): what was stored by then stands in for the command's count.
    finished = import_done.is_set() and command.returncode == 0 and bool(output)
    counts = summary_counts(output[-1]) if finished else {"accepted": state["accepted"], "rejected": state["rejected"]}
    rss = {name: rss_profile(samples) for name, samples in sampler.samples.items()}
    return {"rows": args.rows, "complete": complete, "accepted": counts["accepted"], "rejected": counts["rejected"],
            "stored_accepted": state["accepted"], "stored_rejected": state["rejected"],
            "all_accounted": counts["accepted"] + counts["rejected"] == args.rows
                             and state["accepted"] == counts["accepted"] and state["rejected"] == counts["rejected"],
            "import_s": round(timings["import"], 1) if finished else None, "pipeline_s": round(timings["pipeline"], 1),
            "lag_left": {key: value for key, value in state.items() if key not in ("accepted", "rejected")},
            "rows_per_s": round(args.rows / timings["pipeline"], 1), "rss_mb": rss,
            "under_limit": all(rss[name]["peak"] < LIMIT_MB for name in SERVICES if name in rss),
            "load_start": load_at_start, "load_end": load_at_end, "cpus": os.cpu_count(), "log_level": args.log_level}


def summary_counts(line: str) -> dict[str, int]:
    """Accepted and rejected from the import command's last line:
    `FILE: 1000 rows, 990 accepted (0 of them seen before), 10 rejected`."""
    words = line.replace(",", " ").replace("(", " ").split()
    return {"accepted": int(words[words.index("accepted") - 1]), "rejected": int(words[words.index("rejected") - 1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--file", help="where to write the CSV (default: in $VROEG_STATE_DIR)")
    parser.add_argument("--stalled", type=float, default=900.0, help="give up when nothing moved this long (s)")
    parser.add_argument("--max-seconds", type=float, default=0.0,
                        help="stop after this long and report what was done by then (0: run to the end)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    result = run(parser.parse_args())
    print(json.dumps(result))
    sys.exit(0 if result["complete"] and result["all_accounted"] and result["under_limit"] else 1)


if __name__ == "__main__":
    main()
