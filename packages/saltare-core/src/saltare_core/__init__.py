"""The saltare engine: epoll loop, buffers, timers, limits (not built yet)."""

from ._version import __version__

__all__ = ["__version__"]
