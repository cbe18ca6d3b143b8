"""saltare: a low-RAM ASGI server (the server itself is not built yet)."""

from ._version import __version__

__all__ = ["__version__"]
