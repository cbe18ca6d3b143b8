"""The timer wheel in Python: the same ticks, order and ids as _c/timerwheel.c."""


class Wheel:
    """Hashed wheel over arbitrary hashable keys (the twin of sc_wheel_t).

    A key armed for tick T fires on the first advance reaching T (the next
    tick when T is past); within a tick keys fire in the order they were
    armed into their slot.
    """

    __slots__ = ("_slots", "_mask", "_where", "_out", "now")

    def __init__(self, slots: int) -> None:
        n = 2
        while n < slots and n < (1 << 24):
            n <<= 1
        self._mask = n - 1
        self._slots: list[dict] = [{} for _ in range(n)]
        self._where: dict = {}  # key -> slot dict holding it
        self._out: dict = {}  # expired keys not fired yet
        self.now = 0

    def __len__(self) -> int:
        return len(self._where) + len(self._out)

    def __contains__(self, key) -> bool:
        return key in self._where or key in self._out

    def expires(self, key) -> int | None:
        slot = self._where.get(key)
        return None if slot is None else slot[key]

    def add(self, key, expires: int) -> None:
        self.delete(key)
        if expires <= self.now:
            expires = self.now + 1
        slot = self._slots[expires & self._mask]
        slot[key] = expires
        self._where[key] = slot

    def delete(self, key) -> None:
        slot = self._where.pop(key, None)
        if slot is not None:
            del slot[key]
        else:
            self._out.pop(key, None)

    def _collect(self, slot: dict, tick: int) -> None:
        for key in [k for k, at in slot.items() if at <= tick]:
            del slot[key]
            del self._where[key]
            self._out[key] = None

    def _fire_all(self, fire) -> None:
        # fire may cancel a key still waiting in _out: delete() drops it there.
        out = self._out
        while out:
            key = next(iter(out))
            del out[key]
            fire(key)

    def advance(self, to: int, fire) -> None:
        if to <= self.now:
            return
        size = self._mask + 1
        if to - self.now > size:
            for t in range(self.now + 1, self.now + size + 1):
                self._collect(self._slots[t & self._mask], to)
            self.now = to
            self._fire_all(fire)
            return
        while self.now < to:
            self.now += 1
            self._collect(self._slots[self.now & self._mask], self.now)
            self._fire_all(fire)


class TimerIds:
    """Timers with ids over a Wheel (the twin of sc_timers_t): id =
    (generation << 32) | (index + 1), indexes reused last-freed first."""

    __slots__ = ("wheel", "capacity", "_gen", "_next_free", "_free_head", "tags")

    def __init__(self, wheel: Wheel, capacity: int) -> None:
        capacity = max(capacity, 1)
        self.wheel = wheel
        self.capacity = capacity
        # Indexes grow as timers are used (released ones first), as in C.
        self._gen: list[int] = []
        self._next_free: list[int] = []
        self._free_head = 0
        self.tags: list[int] = []

    def add(self, expires: int, tag: int = 0) -> int:
        if self._free_head:
            index = self._free_head - 1
            self._free_head = self._next_free[index]
            self._next_free[index] = 0
        elif len(self._gen) < self.capacity:
            index = len(self._gen)
            self._gen.append(0)
            self._next_free.append(0)
            self.tags.append(0)
        else:
            return 0
        self.tags[index] = tag
        self.wheel.add(("timer", index), expires)
        return (self._gen[index] << 32) | (index + 1)

    def _live_index(self, timer: int) -> int | None:
        index = (timer & 0xFFFFFFFF) - 1
        if not 0 <= index < len(self._gen) or self._gen[index] != timer >> 32 or ("timer", index) not in self.wheel:
            return None
        return index

    def cancel(self, timer: int) -> bool:
        index = self._live_index(timer)
        if index is None:
            return False
        self.wheel.delete(("timer", index))
        self._release(index)
        return True

    def _release(self, index: int) -> None:
        self._gen[index] = (self._gen[index] + 1) & 0xFFFFFFFF
        self._next_free[index] = self._free_head
        self._free_head = index + 1

    def fired(self, index: int) -> tuple[int, int]:
        """(id, tag) of a timer whose key ("timer", index) just fired; frees it."""
        timer = (self._gen[index] << 32) | (index + 1)
        tag = self.tags[index]
        self._release(index)
        return timer, tag


class TimerWheel:
    """Hashed timer wheel (saltare_core.timerwheel), pure Python."""

    def __init__(self, capacity: int = 1024, slots: int = 512) -> None:
        self._wheel = Wheel(slots)
        self._ids = TimerIds(self._wheel, capacity)

    @property
    def now(self) -> int:
        return self._wheel.now

    def __len__(self) -> int:
        return len(self._wheel)

    def schedule_at(self, tick: int) -> int:
        timer = self._ids.add(tick)
        if not timer:
            raise OverflowError("all timers are in use")
        return timer

    def schedule(self, delay: int) -> int:
        return self.schedule_at(self.now + delay)

    def cancel(self, timer: int) -> bool:
        return self._ids.cancel(timer)

    def advance(self, to: int) -> list[int]:
        fired = []
        self._wheel.advance(to, lambda key: fired.append(self._ids.fired(key[1])[0]))
        return fired
