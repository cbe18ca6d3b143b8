"""A token-bucket rate limiter per client address, in a bounded LRU table.

    limiter = RateLimiter(rate=10.0, burst=20.0, capacity=65536)
    limiter.allow(socket.inet_pton(socket.AF_INET, "192.0.2.1"), time.monotonic())

Each key (1 to 16 bytes: a packed address) gets `rate` tokens per second up
to `burst`; a new key starts with a full bucket; allow() takes one token or
refuses. At most `capacity` keys are remembered: past that the least
recently seen key is forgotten (it starts full again if it comes back).
Every check is O(1). The engine uses the same code for `accept_rate`.
"""

from ._backend import selected

RateLimiter = selected.RateLimiter

__all__ = ["RateLimiter"]
