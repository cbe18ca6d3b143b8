"""saltare_core.timerwheel on both backends, and C against Python on generated operations."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saltare_core import _pybackend


def test_fires_on_the_tick_it_was_armed_for(backend):
    wheel = backend.TimerWheel(capacity=8, slots=4)
    a = wheel.schedule(3)
    b = wheel.schedule(1)
    assert wheel.advance(2) == [b]
    assert wheel.advance(3) == [a]
    assert len(wheel) == 0 and wheel.now == 3


def test_past_ticks_fire_at_the_next_advance(backend):
    wheel = backend.TimerWheel()
    wheel.advance(10)
    timer = wheel.schedule_at(4)
    assert wheel.advance(11) == [timer]


def test_far_timers_wait_for_their_round(backend):
    wheel = backend.TimerWheel(capacity=4, slots=4)
    far = wheel.schedule(9)  # two turns of a 4-slot wheel
    near = wheel.schedule(5)
    assert wheel.advance(8) == [near]
    assert wheel.advance(9) == [far]


def test_a_long_jump_fires_everything_due(backend):
    wheel = backend.TimerWheel(capacity=8, slots=4)
    timers = [wheel.schedule(d) for d in (2, 7, 30, 100)]
    assert sorted(wheel.advance(50)) == sorted(timers[:3])
    assert wheel.advance(100) == [timers[3]]


def test_cancel_and_stale_ids(backend):
    wheel = backend.TimerWheel(capacity=2)
    a = wheel.schedule(1)
    assert wheel.cancel(a) and not wheel.cancel(a)
    b = wheel.schedule(1)
    assert b != a and b & 0xFFFFFFFF == a & 0xFFFFFFFF  # same slot, new generation
    assert not wheel.cancel(a)
    assert wheel.advance(1) == [b]
    assert not wheel.cancel(b)


def test_capacity_is_a_hard_bound(backend):
    wheel = backend.TimerWheel(capacity=2)
    wheel.schedule(1)
    wheel.schedule(1)
    with pytest.raises(OverflowError):
        wheel.schedule(1)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("schedule"), st.integers(0, 40)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("advance"), st.integers(0, 70)),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_c_and_python_agree(c_native, ops):
    wheels = [c_native.TimerWheel(capacity=16, slots=8), _pybackend.TimerWheel(capacity=16, slots=8)]
    ids: list[int] = []
    for op, arg in ops:
        results = []
        for wheel in wheels:
            if op == "schedule":
                try:
                    results.append(wheel.schedule(arg))
                except OverflowError:
                    results.append("full")
            elif op == "cancel":
                results.append(wheel.cancel(ids[arg % len(ids)]) if ids else None)
            else:
                results.append(wheel.advance(wheel.now + arg))
        assert results[0] == results[1], (op, arg)
        if op == "schedule" and results[0] != "full":
            ids.append(results[0])
        assert len(wheels[0]) == len(wheels[1])
