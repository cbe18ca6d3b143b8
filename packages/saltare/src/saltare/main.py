"""saltare.run(): bind, load, then serve in this process or in pre-forked workers."""

import asyncio
import os
import sys

from saltare_core import listeners, process

from . import logs, options as option_table
from ._version import __version__
from .loader import import_app
from .reexec import ARENA_VARIABLE, ARENAS


def components(names=("saltare_http1", "saltare_h2", "saltare_ws", "saltare_tls", "saltare_core")):
    """(distribution name, version, backend) of the saltare libraries named."""
    import importlib

    found = []
    for import_name in names:
        module = importlib.import_module(import_name)
        found.append((import_name.replace("_", "-"), module.__version__, getattr(module, "backend", "python")))
    return found


def describe() -> str:
    lines = [f"saltare {__version__}"]
    lines += [f"  {name:<14} {version:<8} {backend}" for name, version, backend in components()]
    return "\n".join(lines)


def loop_factory(name: str):
    """The event loop constructor for --loop (auto: uvloop when installed)."""
    if name in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if name == "uvloop":
                raise logs.startup_error("--loop uvloop: uvloop is not installed", 1) from None
        else:
            return uvloop.new_event_loop
    return asyncio.new_event_loop


def bind(options: dict):
    try:
        if options["fd"] is not None:
            return listeners.inherited(options["fd"])
        if options["uds"]:
            return listeners.unix(options["uds"])
        return listeners.tcp(options["host"], options["port"])
    except OSError as exc:
        if options["fd"] is not None:
            where = f"fd {options['fd']}"
        else:
            where = options["uds"] or f"{options['host']}:{options['port']}"
        raise logs.startup_error(f"cannot listen on {where}: {exc.strerror or exc}", 1) from None


def address(listener, options: dict) -> str:
    name = listener.getsockname()
    if isinstance(name, str):
        return f"unix:{name}"
    host = f"[{name[0]}]" if ":" in name[0] else name[0]
    scheme = "https" if options["ssl_certfile"] else "http"
    return f"{scheme}://{host}:{name[1]}"


def announce(listener, options: dict, workers: int, loop_name: str) -> None:
    # Only the libraries this server runs: importing the others would cost memory.
    parts = components(("saltare_http1", "saltare_core"))
    versions = ", ".join(f"{name} {version} {backend}" for name, version, backend in parts)
    logs.info(
        f"saltare {__version__} serving on {address(listener, options)} "
        f"({workers} worker{'s' if workers != 1 else ''}, pid {os.getpid()}, python "
        f"{sys.version.split()[0]}, {loop_name} loop; {versions})"
    )
    slow = [name for name, _, backend in parts if backend == "python"]
    if slow:
        logs.warning(f"pure-Python backend in use for {', '.join(slow)} (SALTARE_PURE=1 or C not built): slower")


def serve_here(app, options: dict, listener, *, tls=None, on_ready=None, worker=False) -> int:
    """Serve in this process until a signal (or, in a worker, --limit-max-requests);
    the exit code."""
    from .server import Server

    if ARENA_VARIABLE not in os.environ:  # the CLI's re-exec set it; saltare.run() lands here
        process.cap_arenas(ARENAS)
    server = Server(app, options, listener, tls=tls, on_ready=on_ready, worker=worker)
    with asyncio.Runner(loop_factory=loop_factory(options["loop"])) as runner:
        return runner.run(server.serve())


def run(app, **kwargs) -> int:
    """Serve `app` (an ASGI callable or 'module:attribute') with the options
    of the CLI as keyword arguments (`saltare --help`); SALTARE_<NAME>
    variables fill in the ones not given. Returns the exit code."""
    try:
        from_environment = option_table.from_env(os.environ)
    except ValueError as exc:
        raise logs.startup_error(str(exc), 2) from None
    try:
        options = option_table.resolve(**{**from_environment, **kwargs})
    except ValueError as exc:
        raise logs.startup_error(str(exc), 2) from None
    logs.set_level(options["log_level"])
    if options["env_file"]:
        from .loader import load_env_file

        load_env_file(options["env_file"])
    tls = None
    if options["ssl_certfile"]:
        from .tls import load as load_tls

        tls = load_tls(options)
    if isinstance(app, str):
        app = import_app(app, factory=options["factory"], app_dir=options["app_dir"])
    elif options["factory"]:
        app = app()
    workers = options["workers"] or os.cpu_count() or 1
    listener = bind(options)
    loop_name = "uvloop" if loop_factory(options["loop"]) is not asyncio.new_event_loop else "asyncio"
    try:
        # A worker recycled by --limit-max-requests needs a master to replace it.
        if workers == 1 and not options["limit_max_requests"]:
            return serve_here(app, options, listener, tls=tls,
                              on_ready=lambda: announce(listener, options, workers, loop_name))
        from .supervisor import Supervisor

        return Supervisor(app, options, listener, workers, tls=tls,
                          on_ready=lambda: announce(listener, options, workers, loop_name)).run()
    finally:
        if options["uds"]:
            listeners.close_unix(listener)
        else:
            listener.close()
