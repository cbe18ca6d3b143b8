"""Return codes of the engine's handle operations, shared by both backends."""

import os

STALE, FULL, BUSY, STATE, NOMEM, OSERROR = -1, -2, -3, -4, -5, -6


def raise_for(code: int, what: str, errno: int = 0) -> None:
    """Turn a negative return code other than STALE into the exception it means."""
    if code == FULL:
        raise BufferError(f"{what}: over max_pending (wait for DRAINED)")
    if code == BUSY:
        raise BufferError(f"{what}: data still queued (sendfile needs an empty queue)")
    if code == STATE:
        raise ValueError(f"{what}: not allowed in the connection's state")
    if code == NOMEM:
        raise MemoryError(what)
    if code == OSERROR:
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
