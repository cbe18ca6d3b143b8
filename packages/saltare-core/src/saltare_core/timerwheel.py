"""A hashed timer wheel: O(1) schedule and cancel, time in ticks.

    wheel = TimerWheel(capacity=1024, slots=512)
    timer = wheel.schedule(3)        # fires when advance() reaches now + 3
    wheel.cancel(timer)              # True if it was still armed
    fired = wheel.advance(wheel.now + 5)   # ids, in firing order

A timer armed for tick T fires on the first advance() that reaches T (the
next tick when T is past). Ticks fire in order; within a tick, timers fire
in the order they were armed. Ids are (generation << 32) | (slot + 1): a
fired or cancelled id is never mistaken for a newer timer. The C backend is
the wheel the engine runs its deadlines on.
"""

from ._backend import selected

TimerWheel = selected.TimerWheel

__all__ = ["TimerWheel"]
