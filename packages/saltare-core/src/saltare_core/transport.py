"""The transport seam: how bytes move on a connection's socket.

The engine reads and writes with plain recv / sendmsg unless a transport is
handed in with `engine.set_transport(transport)` before the first
connection (saltare-tls's `EngineTransport` is one). The C engine takes the
transport's C table: `transport.c_transport()` returns `(table_address,
ctx_address)` (the `saltare_core_transport_t` of engine.h, ABI 2). The
Python engine calls the methods of `Transport` below. Flag values are the
C ones.
"""

from typing import Protocol

TRANSPORT_ABI = 2
TRANSPORT_HANDSHAKE = 0x1
"""Table flag (`Transport.handshake` in Python): connections start with a handshake."""
TRANSPORT_READY = 0x1
"""recv: the handshake finished during this call."""
TRANSPORT_MORE = 0x2
"""recv: plaintext is still buffered inside: the engine reads again without waiting for the socket."""
TRANSPORT_WANT_WRITE = 0x4
"""recv/sendv: the transport holds output: the engine calls flush() when the socket is writable."""


class Transport(Protocol):
    """What the Python engine calls; every method runs on the engine's thread."""

    handshake: bool
    """Connections start with a handshake (the engine reports SECURE at its end)."""

    def open(self, sock) -> object:
        """A new connection: its state. Raise OSError to refuse it (closed, counted as rejected)."""

    def recv(self, state, sock, n: int) -> tuple[bytes | None, int]:
        """(plaintext, flags): b"" is the end of the stream, None nothing yet
        (e.g. mid-handshake); raise OSError on a fatal error."""

    def sendv(self, state, sock, views: list) -> tuple[int | None, int]:
        """(bytes taken, flags): None when nothing was taken because earlier
        output is still queued; raise OSError on a fatal error."""

    def flush(self, state, sock) -> int:
        """Send queued output; the bytes still queued (0: all sent). OSError: fatal."""

    def shutdown(self, state, sock) -> None:
        """Orderly end (TLS close_notify): queue it and try once to send it."""

    def close(self, state) -> None:
        """The connection is gone: drop the state (the engine closes the socket after)."""

    def alpn(self, state) -> bytes:
        """The negotiated application protocol, b"" for none."""
