"""Process-level settings a server makes once, in the serving process.

- `cap_arenas(n)`: at most n glibc malloc arenas (`mallopt(M_ARENA_MAX)`);
  threads of an app's libraries would otherwise each get a 64 MiB arena.
- `trim_heap()`: `malloc_trim(0)`, free heap pages handed back to the kernel.
- `set_parent_death_signal(signum)`: `PR_SET_PDEATHSIG`, for pre-forked workers.
- `release_file_pages()`: `madvise(MADV_PAGEOUT)` over every file-backed
  mapping: the pages of code and data files that only this process maps
  go back to the kernel (they fault back in if used again). For a
  pre-fork master once its workers run: what it touched importing the app
  (a framework's compiled modules, mostly) its workers never did.

Each returns whether it took effect (False on a C library without it, e.g.
musl has no arenas to cap). The C backend calls libc directly; the Python
backend goes through ctypes.
"""

from ._backend import selected

cap_arenas = selected.cap_arenas
trim_heap = selected.trim_heap
set_parent_death_signal = selected.set_parent_death_signal


def release_file_pages() -> int:
    """Page out the file-backed mappings; returns how many took the advice
    (0 where the kernel has no MADV_PAGEOUT or there is no /proc)."""
    try:
        with open("/proc/self/maps") as file:
            lines = file.readlines()
    except OSError:
        return 0
    advised = 0
    for line in lines:
        fields = line.split(maxsplit=5)
        # address perms offset dev inode path: a path names a file ([heap], [stack] do not).
        if len(fields) == 6 and fields[5].startswith("/"):
            start, end = (int(address, 16) for address in fields[0].split("-"))
            advised += selected.page_out(start, end - start)
    return advised


__all__ = ["cap_arenas", "release_file_pages", "set_parent_death_signal", "trim_heap"]
