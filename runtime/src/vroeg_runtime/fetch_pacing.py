"""How a hot subscription asks the broker for records: by the rate at which they arrive.

The broker holds a fetch until it has `fetch_min_bytes` or `fetch_max_wait_ms` has passed. Two
settings each serve one case (docs/performance.md, *The waits per hop, tried*):

- PROMPT, the broker's default (the first record, or half a second): an idle intake, matching and
  broker cost half the CPU (0.2 of a core instead of 0.4), and a report waits for no fetch;
- BATCHING (64 KiB or 20 ms): at 250 reports a second the latency was half that of PROMPT, since
  PROMPT answered a fetch per handful of records and each batch pays its transaction and commits.

aiokafka fixes these settings when a consumer starts, but reads them again for every fetch request
it builds: the pacer sets them on the consumer's fetcher as the rate changes. That fetcher is
aiokafka's private object; `tests` of the runtime check that the attributes are where the pacer
sets them, so an upgrade that moves them fails there instead of silently batching always.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class FetchMode:
    min_bytes: int
    max_wait_ms: int


PROMPT = FetchMode(min_bytes=1, max_wait_ms=500)
BATCHING = FetchMode(min_bytes=65_536, max_wait_ms=20)


class FetchPacer:
    """Follows the rate of one subscription's records (a moving count with a time constant of
    `window_s`) and picks its fetch mode: BATCHING above `busy_per_s`, PROMPT again below
    `quiet_per_s` or after `window_s` without a record (the gap between the two keeps it from
    switching on every batch)."""

    def __init__(self, *, busy_per_s: float = 150.0, quiet_per_s: float = 75.0, window_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._busy, self._quiet, self.window_s, self._clock = busy_per_s, quiet_per_s, window_s, clock
        self._level = 0.0
        self._last = clock()
        self.mode = PROMPT

    def rate(self) -> float:
        """Records a second, as of now."""
        return self._decayed(self._clock()) / self.window_s

    def _decayed(self, now: float) -> float:
        return self._level * math.exp(-(now - self._last) / self.window_s)

    def after_batch(self, records: int) -> FetchMode:
        now = self._clock()
        self._level = self._decayed(now) + records
        self._last = now
        rate = self._level / self.window_s
        if self.mode is PROMPT and rate > self._busy:
            self.mode = BATCHING
        elif self.mode is BATCHING and rate < self._quiet:
            self.mode = PROMPT
        return self.mode

    def after_silence(self) -> FetchMode:
        """No batch comes while nothing arrives, so the consumer checks now and then."""
        if self.mode is BATCHING and self._clock() - self._last >= self.window_s:
            self.mode = PROMPT
        return self.mode


def set_fetch_mode(consumer: Any, mode: FetchMode) -> bool:
    """Make `consumer`'s next fetch requests ask for `mode`; False if it has no fetcher (yet)."""
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is None:
        return False
    fetcher._fetch_min_bytes = mode.min_bytes
    fetcher._fetch_max_wait_ms = mode.max_wait_ms
    return True


class PacedFetches:
    """One hot subscription's pacer bound to its consumer: `after_batch` from the batch handler; a
    timer, armed while batching, returns to PROMPT once the records stop."""

    def __init__(self, pacer: FetchPacer | None = None) -> None:
        self.pacer = pacer or FetchPacer()
        self._consumer: Any = None
        self._timer: asyncio.TimerHandle | None = None

    def after_batch(self, consumer: Any, records: int) -> None:
        self._consumer = consumer
        before = self.pacer.mode
        self._apply(before, self.pacer.after_batch(records))

    def _check_silence(self) -> None:
        self._timer = None
        before = self.pacer.mode
        self._apply(before, self.pacer.after_silence())

    def _apply(self, before: FetchMode, mode: FetchMode) -> None:
        if mode is not before:
            applied = set_fetch_mode(self._consumer, mode)
            log.info("fetch_mode_changed", min_bytes=mode.min_bytes, max_wait_ms=mode.max_wait_ms,
                     records_per_s=round(self.pacer.rate(), 1), applied=applied)
        if mode is BATCHING and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.pacer.window_s, self._check_silence)
