"""The token-bucket rate limiter in Python: the same arithmetic and LRU
eviction as _c/iptable.c."""

from collections import OrderedDict


class RateLimiter:
    """Token bucket per client address (saltare_core.ratelimit), pure Python."""

    def __init__(self, rate: float, burst: float, capacity: int = 65536) -> None:
        self.rate, self.burst = rate, burst
        self.capacity = min(max(capacity, 1), 1 << 28)
        self._buckets: OrderedDict[bytes, list[float]] = OrderedDict()  # key -> [tokens, last]

    def allow(self, key: bytes, now: float) -> bool:
        if not 1 <= len(key) <= 16:
            raise ValueError("key must be 1 to 16 bytes (a packed address)")
        buckets = self._buckets
        bucket = buckets.get(key)
        if bucket is None:
            if len(buckets) == self.capacity:
                buckets.popitem(last=False)
            bucket = buckets[key] = [0.0, 0.0]
            tokens = self.burst
        else:
            buckets.move_to_end(key)
            elapsed = now - bucket[1]
            tokens = bucket[0] + (elapsed * self.rate if elapsed > 0 else 0.0)
            if tokens > self.burst:
                tokens = self.burst
        allowed = tokens >= 1.0
        bucket[0] = tokens - 1.0 if allowed else tokens
        bucket[1] = now
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
