"""The `saltare` command.

The ASGI server is not built yet: until it is, the command reports which
saltare components are installed and which backend (C or Python) each uses.
"""

import argparse
import importlib
import sys

from ._version import __version__

COMPONENTS = ("saltare_http1", "saltare_h2", "saltare_ws", "saltare_tls", "saltare_core")


def components() -> list[tuple[str, str, str]]:
    """(distribution name, version, backend) of each installed component."""
    found = []
    for import_name in COMPONENTS:
        module = importlib.import_module(import_name)
        backend = getattr(module, "backend", "skeleton: no implementation yet")
        found.append((import_name.replace("_", "-"), module.__version__, backend))
    return found


def describe() -> str:
    lines = [f"saltare {__version__}"]
    lines += [f"  {name:<14} {version:<8} {backend}" for name, version, backend in components()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="saltare", description="A low-RAM ASGI server (not built yet).")
    # Not argparse's "version" action: it re-wraps the lines.
    parser.add_argument("--version", action="store_true", help="list the components and their backends, then exit")
    args = parser.parse_args(argv)
    print(describe())
    if args.version:
        return
    print(
        "\nThe ASGI server is not built yet (issue: 'saltare: the ASGI server over HTTP/1.1');"
        "\nthe components above are what is installed.",
        file=sys.stderr,
    )
