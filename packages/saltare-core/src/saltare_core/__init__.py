"""saltare-core: the saltare engine.

An epoll engine with a C connection table, pooled buffers, write queues and
a timer wheel, driven by its caller: register `engine.fileno()` with the
event loop and call `engine.poll()` when it is readable; each poll returns a
batch of events. HTTP/1 parsing runs on the engine's buffers with the parser
handed over by saltare-http1; without it, connections are raw.

`backend` tells which implementation runs ("c" or "python"; SALTARE_PURE=1
forces Python). `engine.set_transport()` hands in a transport (TLS) in
place of plain socket I/O; see `saltare_core.transport`.
"""

from . import events, listeners, transport
from ._backend import backend, selected
from ._version import __version__
from .config import DEFAULT_CONFIG, EngineConfig, Http1Limits
from .counters import SharedCounters
from .events import CloseReason, Event, RequestHead
from .transport import TRANSPORT_HANDSHAKE, TRANSPORT_MORE, TRANSPORT_READY, TRANSPORT_WANT_WRITE

Engine = selected.Engine

__all__ = [
    "DEFAULT_CONFIG",
    "CloseReason",
    "Engine",
    "EngineConfig",
    "Event",
    "Http1Limits",
    "RequestHead",
    "SharedCounters",
    "TRANSPORT_HANDSHAKE",
    "TRANSPORT_MORE",
    "TRANSPORT_READY",
    "TRANSPORT_WANT_WRITE",
    "__version__",
    "backend",
    "events",
    "listeners",
    "transport",
]
