"""Buffer accounting for the Python engine, mirroring _c/pool.c: the same
size classes, resident/released states and idle release, so that stats()
and the idle-release behaviour agree between backends. The buffers
themselves are bytearrays that grow as bytes arrive."""

SMALL, LARGE = 0, 1
SIZES = (4096, 16384)
_PER_SLAB = (64, 16)


class Pool:
    __slots__ = ("total", "in_use", "resident", "released_total")

    def __init__(self) -> None:
        self.total = [0, 0]
        self.in_use = [0, 0]
        self.resident = ([], [])  # per class: free-time of each free resident buffer, oldest first
        self.released_total = 0

    def get(self, cls: int) -> None:
        if self.resident[cls]:
            self.resident[cls].pop()  # the most recently freed
        elif self.total[cls] - self.in_use[cls] - len(self.resident[cls]) == 0:
            self.total[cls] += _PER_SLAB[cls]
        self.in_use[cls] += 1

    def put(self, cls: int, now: float) -> None:
        self.in_use[cls] -= 1
        self.resident[cls].append(now)

    def sweep(self, now: float, idle: float) -> int:
        """Release free buffers idle for `idle` seconds; returns how many stay resident."""
        left = 0
        for free in self.resident:
            old = 0
            while old < len(free) and now - free[old] >= idle:
                old += 1
            del free[:old]
            self.released_total += old
            left += len(free)
        return left

    def oldest(self) -> float | None:
        times = [free[0] for free in self.resident if free]
        return min(times) if times else None
