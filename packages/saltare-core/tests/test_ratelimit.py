"""saltare_core.ratelimit on both backends, and C against Python on generated checks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saltare_core import _pybackend

IP = b"\x7f\x00\x00\x01"


def test_burst_then_refill(backend):
    limiter = backend.RateLimiter(rate=2.0, burst=3.0)
    assert [limiter.allow(IP, 0.0) for _ in range(4)] == [True, True, True, False]
    assert not limiter.allow(IP, 0.25)  # half a token
    assert limiter.allow(IP, 0.5)  # one token after 0.5 s at 2/s
    assert [limiter.allow(IP, 100.0) for _ in range(4)] == [True, True, True, False]  # capped at burst


def test_keys_are_independent(backend):
    limiter = backend.RateLimiter(rate=0.0, burst=1.0)
    assert limiter.allow(IP, 0) and not limiter.allow(IP, 1)
    assert limiter.allow(b"\x00" * 16, 1)


def test_table_is_bounded_and_forgets_the_least_recent(backend):
    limiter = backend.RateLimiter(rate=0.0, burst=1.0, capacity=2)
    for key in (b"a", b"b"):
        assert limiter.allow(key, 0)
    assert not limiter.allow(b"a", 0)  # a is now the most recent
    assert limiter.allow(b"c", 0)  # evicts b
    assert len(limiter) == 2
    assert limiter.allow(b"b", 0)  # b was forgotten: a full bucket again (evicts a)
    assert limiter.allow(b"a", 0)


def test_bad_keys(backend):
    limiter = backend.RateLimiter(1, 1)
    for key in (b"", b"x" * 17):
        with pytest.raises(ValueError):
            limiter.allow(key, 0)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0, 100), st.floats(0, 10),
    st.lists(st.tuples(st.sampled_from([b"a", b"b", b"c", b"d", IP]), st.floats(-1, 5)), max_size=80),
)
def test_c_and_python_agree(c_native, rate, burst, checks):
    limiters = [c_native.RateLimiter(rate, burst, capacity=3), _pybackend.RateLimiter(rate, burst, capacity=3)]
    now = 0.0
    for key, step in checks:
        now += step
        assert limiters[0].allow(key, now) == limiters[1].allow(key, now)
        assert len(limiters[0]) == len(limiters[1])
