"""TLS termination for the saltare engine (not built yet)."""

from ._version import __version__

__all__ = ["__version__"]
