"""glibc malloc posture: few arenas, memory handed back after start-up and idle.

Stop-gap: this reaches glibc through ctypes, loaded lazily inside the serving
process. A `saltare_core` C helper (mallopt + malloc_trim) would avoid
ctypes' import cost; until it exists this is the one place that needs it.
"""

import os
import sys

M_ARENA_MAX = -8
_libc = None


def _load():
    global _libc
    if _libc is None:
        if not sys.platform.startswith("linux"):
            _libc = False
            return _libc
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.malloc_trim  # glibc only (musl has none)
            _libc = libc
        except (OSError, AttributeError):
            _libc = False
    return _libc


def cap_arenas(arenas: int = 2) -> None:
    """MALLOC_ARENA_MAX-style cap (unless the user set the variable): threads
    of the app's libraries would each get a 64 MiB arena otherwise."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    libc = _load()
    if libc:
        libc.mallopt(M_ARENA_MAX, arenas)


def trim() -> None:
    """Give free heap pages back to the OS."""
    libc = _load()
    if libc:
        libc.malloc_trim(0)


def set_parent_death_signal(signum: int) -> None:
    """PR_SET_PDEATHSIG: the kernel sends `signum` when the parent dies."""
    libc = _load()
    if libc:
        libc.prctl(1, signum, 0, 0, 0)  # PR_SET_PDEATHSIG == 1
