"""saltare: a low-RAM ASGI server.

    saltare main:app            # the CLI (python -m saltare works too)
    saltare.run(app, port=8000) # the same options as keyword arguments

`saltare --help` lists every option.
"""

from ._version import __version__


def run(app, **options) -> int:
    """Serve an ASGI app (or 'module:attribute') with the CLI's options as
    keyword arguments; returns the exit code once the server has stopped."""
    from .main import run as run_server

    return run_server(app, **options)


__all__ = ["__version__", "run"]
