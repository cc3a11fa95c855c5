"""Request rate per API key: a token bucket per key id, in this process's memory.

Each key may make `burst` requests at once and then `per_minute` requests a minute: its bucket
holds up to `burst` tokens, refills continuously at `per_minute / 60` tokens a second, and a
request takes one token or is refused with the whole seconds until one is there again
(`Retry-After`). `per_minute=0` turns the limit off.

The buckets live in this process: with N server processes (`edihub serve --workers N`) a key
may make N times as many requests in all. Put the limit in front of the processes (the load
balancer or reverse proxy) when it must hold across all of them.

Thread-safe (sync endpoints and dependencies run in a thread pool) and bounded: a bucket that
has refilled completely is the same as no bucket and is dropped; beyond `max_keys` buckets the
least recently used one is dropped (which only ever forgives that key, never refuses more).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, *,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000) -> None:
        if per_minute < 0 or burst < 0 or max_keys < 1:
            raise ValueError("per_minute and burst must be >= 0, max_keys >= 1")
        self.per_minute = per_minute
        self.burst = max(burst, 1)
        self._rate = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        # key -> (tokens, time of that count); least recently used first
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def take(self, key: int) -> int | None:
        """Take one token for `key`: None when the request may go ahead, otherwise the whole
        seconds (at least 1) until the next token."""
        if not self.enabled:
            return None
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - then) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._evict(now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self._rate))

    def _evict(self, now: float) -> None:
        # the oldest entries first: drop those full again, then any beyond the bound
        full_after = self.burst / self._rate
        while self._buckets:
            key, (_, then) = next(iter(self._buckets.items()))
            if len(self._buckets) <= self._max_keys and now - then < full_after:
                break
            del self._buckets[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)
