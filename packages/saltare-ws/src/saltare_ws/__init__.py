"""Sans-IO WebSocket library, RFC 6455 + RFC 7692 (not built yet)."""

from ._version import __version__

__all__ = ["__version__"]
