"""Process-level settings a server makes once, in the serving process.

- `cap_arenas(n)`: at most n glibc malloc arenas (`mallopt(M_ARENA_MAX)`);
  threads of an app's libraries would otherwise each get a 64 MiB arena.
- `trim_heap()`: `malloc_trim(0)`, free heap pages handed back to the kernel.
- `set_parent_death_signal(signum)`: `PR_SET_PDEATHSIG`, for pre-forked workers.

Each returns whether it took effect (False on a C library without it, e.g.
musl has no arenas to cap). The C backend calls libc directly; the Python
backend goes through ctypes.
"""

from ._backend import selected

cap_arenas = selected.cap_arenas
trim_heap = selected.trim_heap
set_parent_death_signal = selected.set_parent_death_signal

__all__ = ["cap_arenas", "set_parent_death_signal", "trim_heap"]
