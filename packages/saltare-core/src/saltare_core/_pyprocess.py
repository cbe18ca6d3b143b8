"""The Python twin of _c/process.c: the same libc calls through ctypes,
loaded on first use (ctypes costs about 0.3 MiB resident)."""

import sys

M_ARENA_MAX = -8  # glibc's malloc.h
PR_SET_PDEATHSIG = 1  # linux/prctl.h
MADV_PAGEOUT = 21  # linux/mman.h (Linux 5.4)
_libc = None


def _load():
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            import ctypes

            try:
                libc = ctypes.CDLL(None, use_errno=True)
            except OSError:
                libc = None
            if libc is not None and hasattr(libc, "prctl"):
                _libc = libc
    return _libc


def cap_arenas(arenas: int) -> bool:
    libc = _load()
    return bool(libc) and hasattr(libc, "mallopt") and libc.mallopt(M_ARENA_MAX, arenas) == 1


def trim_heap() -> bool:
    libc = _load()
    return bool(libc) and hasattr(libc, "malloc_trim") and libc.malloc_trim(0) == 1


def page_out(start: int, length: int) -> bool:
    libc = _load()
    if not libc or not hasattr(libc, "madvise"):
        return False
    import ctypes

    return libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(length), MADV_PAGEOUT) == 0


def set_parent_death_signal(signum: int) -> bool:
    libc = _load()
    return bool(libc) and libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
