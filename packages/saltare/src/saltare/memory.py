"""glibc malloc posture: few arenas, memory handed back after start-up and idle.

The calls themselves are saltare-core's (`saltare_core.process`: C, no
ctypes in the serving process); this module holds the server's policy.
"""

import os

from saltare_core import process

ARENAS = 2
"""Threads of the app's libraries would each get a 64 MiB arena otherwise."""


def cap_arenas() -> None:
    """MALLOC_ARENA_MAX-style cap, unless the user set the variable (the CLI's
    re-exec sets it for the fresh interpreter; `saltare.run()` lands here)."""
    if "MALLOC_ARENA_MAX" not in os.environ:
        process.cap_arenas(ARENAS)


def trim() -> None:
    """Give free heap pages back to the OS."""
    process.trim_heap()


def set_parent_death_signal(signum: int) -> None:
    """PR_SET_PDEATHSIG: the kernel sends `signum` when the parent dies."""
    process.set_parent_death_signal(signum)
