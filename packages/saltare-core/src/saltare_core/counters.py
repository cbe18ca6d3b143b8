"""Totals the engine keeps in one page that can be shared across workers.

Create SharedCounters() in the master before fork(): the page is an
anonymous MAP_SHARED mapping, so every worker's engine adds into the same
numbers and any worker can report totals for all. The C engine adds with
atomic instructions; the Python engine's adds are plain read-modify-write
(exact within one process, approximate across processes).
"""

import mmap

NAMES = (
    "open_connections", "accepted", "rejected", "requests", "bytes_in", "bytes_out",
    "timeouts", "responses_1xx", "responses_2xx", "responses_3xx", "responses_4xx", "responses_5xx",
)
OPEN, ACCEPTED, REJECTED, REQUESTS, BYTES_IN, BYTES_OUT, TIMEOUTS, R1XX = range(8)
SLOTS = 16  # saltare_core_engine_new's counters: 16 uint64


class SharedCounters:
    def __init__(self) -> None:
        self._page = mmap.mmap(-1, mmap.PAGESIZE, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
        self.buffer = self._page
        self.words = memoryview(self._page).cast("Q")[:SLOTS]

    def add(self, index: int, n: int = 1) -> None:
        self.words[index] += n

    def count_response(self, status: int) -> None:
        """Responses by class: the engine does not read statuses, its caller counts them."""
        if 100 <= status <= 599:
            self.words[R1XX + status // 100 - 1] += 1

    def snapshot(self) -> dict[str, int]:
        return dict(zip(NAMES, self.words.tolist()))
