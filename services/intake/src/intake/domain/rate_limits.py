"""Token buckets, one per key (a partner): a sustained rate and a burst.

A key's bucket holds at most `burst` tokens and gains `per_minute / 60` a second. Taking `cost`
tokens succeeds when they are there, and otherwise takes none and says how long until they will be.
Nothing here knows HTTP or the time of day: the clock is injected (monotonic seconds), so a test
moves it by hand. The buckets live in this process only; two processes each keep their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """`per_minute` tokens a minute, sustained, and at most `burst` at once."""

    per_minute: int
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.burst < 1:
            raise ValueError(f"a rate needs at least 1 a minute and a burst of at least 1, not {self}")

    @property
    def per_second(self) -> float:
        return self.per_minute / 60


class TokenBuckets:
    """A bucket per key, full at first; keys are few (the configured partners), so none is dropped."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, when they were counted)

    def available(self, key: str) -> float:
        """The tokens in `key`'s bucket now."""
        tokens, now = self._refilled(key)
        self._buckets[key] = (tokens, now)
        return tokens

    def wait(self, key: str, cost: int = 1) -> float:
        """The seconds until `key` could take `cost` tokens: 0.0 when it can now. Takes nothing."""
        self._check(cost)
        missing = cost - self.available(key)
        return 0.0 if missing <= 0 else missing / self.rate.per_second

    def take(self, key: str, cost: int = 1) -> float:
        """Take `cost` tokens from `key`'s bucket and return 0.0; or, when there are too few, take
        none and return the seconds until there will be enough."""
        self._check(cost)
        tokens, now = self._refilled(key)
        if tokens < cost:
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate.per_second
        self._buckets[key] = (tokens - cost, now)
        return 0.0

    def _refilled(self, key: str) -> tuple[float, float]:
        now = self._clock()
        tokens, then = self._buckets.get(key, (float(self.rate.burst), now))
        elapsed = max(0.0, now - then)  # a clock that steps back refills nothing
        return min(float(self.rate.burst), tokens + elapsed * self.rate.per_second), now

    def _check(self, cost: int) -> None:
        if not 1 <= cost <= self.rate.burst:
            raise ValueError(f"a cost of {cost} can never be taken from a bucket of {self.rate.burst}")


def whole_seconds(wait: float) -> int:
    """A wait as the whole seconds of a Retry-After header: rounded up, at least 1."""
    return max(1, math.ceil(wait - 1e-9))
