"""A hot subscription's fetch mode follows the rate of its records: the first record while quiet,
64 KiB or 20 ms under load, and the first record again once the load is gone."""

import asyncio
import inspect
from types import SimpleNamespace

from aiokafka.consumer.fetcher import Fetcher

from vroeg_runtime.fetch_pacing import BATCHING, PROMPT, FetchPacer, PacedFetches, set_fetch_mode


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(pacer: FetchPacer, clock: Clock, *, per_s: float, batch: int, seconds: float) -> list:
    modes = []
    for _ in range(int(seconds * per_s / batch)):
        clock.now += batch / per_s
        modes.append(pacer.after_batch(batch))
    return modes


def test_a_low_rate_keeps_asking_for_the_first_record():
    clock = Clock()
    pacer = FetchPacer(clock=clock)
    assert set(run(pacer, clock, per_s=20, batch=1, seconds=10)) == {PROMPT}
    assert 15 < pacer.rate() < 25


def test_a_load_batches_and_a_quiet_stream_goes_back():
    clock = Clock()
    pacer = FetchPacer(clock=clock)
    assert run(pacer, clock, per_s=250, batch=3, seconds=5)[-1] is BATCHING
    # Between the two thresholds the mode stays as it is, so it does not flip on every batch.
    assert set(run(pacer, clock, per_s=100, batch=2, seconds=5)) == {BATCHING}
    assert run(pacer, clock, per_s=20, batch=1, seconds=5)[-1] is PROMPT


def test_a_bulk_backlog_batches_from_its_first_batch():
    clock = Clock()
    pacer = FetchPacer(clock=clock)
    clock.now += 0.05
    assert pacer.after_batch(500) is BATCHING


def test_silence_after_a_load_goes_back_to_the_first_record():
    clock = Clock()
    pacer = FetchPacer(clock=clock)
    run(pacer, clock, per_s=500, batch=10, seconds=2)
    clock.now += 0.5
    assert pacer.after_silence() is BATCHING
    clock.now += 0.6
    assert pacer.after_silence() is PROMPT


def test_the_fetcher_builds_its_requests_from_the_settings_the_pacer_sets():
    # The pacer sets private attributes of aiokafka's fetcher: an aiokafka that reads others fails here.
    source = inspect.getsource(Fetcher._get_actions_per_node)
    assert "self._fetch_min_bytes" in source and "self._fetch_max_wait_ms" in source
    init = inspect.getsource(Fetcher.__init__)
    assert "self._fetch_min_bytes = fetch_min_bytes" in init and "self._fetch_max_wait_ms = fetch_max_wait_ms" in init

    class Consumer:
        _fetcher = type("FakeFetcher", (), {})()

    assert set_fetch_mode(Consumer(), BATCHING)
    assert (Consumer._fetcher._fetch_min_bytes, Consumer._fetcher._fetch_max_wait_ms) == (65_536, 20)
    assert not set_fetch_mode(object(), PROMPT)


async def test_a_subscription_batches_under_a_burst_and_asks_promptly_once_it_is_over():
    consumer = SimpleNamespace(_fetcher=SimpleNamespace(_fetch_min_bytes=1, _fetch_max_wait_ms=500))
    paced = PacedFetches(FetchPacer(window_s=0.05))
    paced.after_batch(consumer, 500)
    assert (consumer._fetcher._fetch_min_bytes, consumer._fetcher._fetch_max_wait_ms) == (65_536, 20)
    await asyncio.sleep(0.2)  # no batch: the timer it armed finds the silence
    assert (consumer._fetcher._fetch_min_bytes, consumer._fetcher._fetch_max_wait_ms) == (1, 500)
    assert paced.pacer.mode is PROMPT
