"""Sans-IO HTTP/2 server connection (not built yet)."""

from ._version import __version__

__all__ = ["__version__"]
