"""saltare-core's transport seam (ABI 2) over TLS sessions: one per connection.

`EngineTransport(context)` is what `engine.set_transport` takes: the C engine
asks it for the C table (`c_transport()`, the C backend's _c/transport.c),
the Python engine calls its methods (the Python twin, over the `TLSSession`
of the context's backend). Like the C table, the twin reads at most one
record's worth of ciphertext per `recv` and encrypts at most SEND_BUDGET
bytes per `sendv`, and only when nothing is queued: a slow reader costs one
budget of ciphertext, not the whole response.
"""

import errno
import sys

from .errors import TLSError
from .info import TLSInfo

# Per-call flags, the values of SALTARE_CORE_T_* (saltare_core exports them
# as TRANSPORT_*; a test checks both against the C headers).
READY = 0x1       # recv: the handshake finished during this call
MORE = 0x2        # recv: call again without waiting for the socket
WANT_WRITE = 0x4  # recv/sendv: ciphertext queued: call flush when writable

RECORD_MAX = 16384 + 2048 + 5  # the largest TLS ciphertext record, header included
SEND_BUDGET = 64 * 1024


class EngineConnection:
    """The Python transport's state of one connection (what open() returns)."""

    __slots__ = ("session", "out", "plain", "ready_told", "peer_closed")

    def __init__(self, session) -> None:
        self.session = session
        self.out = bytearray()    # ciphertext the socket has not taken yet
        self.plain = bytearray()  # plaintext beyond what the engine asked for
        self.ready_told = False   # READY was reported
        self.peer_closed = False  # close_notify seen: end of stream once plain is empty


class EngineTransport:
    """TLS for every connection of a saltare-core engine, from one TLSContext."""

    handshake = True  # SALTARE_CORE_T_HANDSHAKE: connections start with a handshake

    __slots__ = ("context", "_session_type")

    def __init__(self, context) -> None:
        self.context = context  # the C table's ctx: it must outlive the connections
        # The backend module that built the context (loaded: the context exists).
        self._session_type = sys.modules[type(context).__module__].TLSSession

    def c_transport(self) -> tuple[int, int]:
        """(table address, ctx address) for the C engine's set_transport."""
        if type(self.context).__module__ != "saltare_tls._cbackend":
            raise TypeError(
                "the C engine needs saltare_tls's C backend, but this TLSContext was built by "
                "its Python backend (SALTARE_PURE=1, or the C extension is not built): "
                "use the Python engine")
        from ._cbackend import transport_addresses

        return transport_addresses(self.context)

    # -- the Python twin of the C table, for the selectors engine ----------
    def open(self, sock) -> EngineConnection:
        return EngineConnection(self._session_type(self.context))

    def recv(self, state: EngineConnection, sock, n: int) -> tuple[bytes | None, int]:
        if state.plain:
            return _take(state, n, 0)
        if state.peer_closed:
            return b"", 0
        try:
            data = sock.recv(RECORD_MAX)
        except BlockingIOError:
            return None, 0
        if not data:
            return b"", 0
        session = state.session
        try:
            plain = session.receive(data)
        except TLSError as exc:
            _send_alert(state, sock)
            raise OSError(errno.EPROTO, f"TLS: {exc}") from None
        state.peer_closed = session.closed
        if state.peer_closed:
            # Answer close_notify with ours (RFC 8446 6.1): the engine only
            # drops the state of a connection its peer ended.
            session.close()
        state.out += session.data_to_send()
        flags = WANT_WRITE if _write(state, sock) else 0
        if not state.ready_told and session.handshake_done:
            state.ready_told = True
            flags |= READY
        if plain:
            state.plain += plain
            return _take(state, n, flags)
        return (b"" if state.peer_closed else None), flags

    def sendv(self, state: EngineConnection, sock, views) -> tuple[int | None, int]:
        if _write(state, sock):
            return None, WANT_WRITE
        session = state.session
        if not session.handshake_done:
            raise OSError(errno.ENOTCONN, "TLS: send before the handshake completed")
        pieces, taken = [], 0
        for view in views:
            piece = view[: SEND_BUDGET - taken]
            pieces.append(piece)
            taken += len(piece)
            if taken == SEND_BUDGET:
                break
        if not taken:
            return 0, 0
        try:
            # One send: small pieces (a head, a short body) share a record.
            session.send(pieces[0] if len(pieces) == 1 else b"".join(pieces))
        except TLSError as exc:
            raise OSError(errno.EPROTO, f"TLS: {exc}") from None
        state.out += session.data_to_send()
        return taken, WANT_WRITE if _write(state, sock) else 0

    def flush(self, state: EngineConnection, sock) -> int:
        return _write(state, sock)

    def shutdown(self, state: EngineConnection, sock) -> None:
        try:
            state.session.close()  # close_notify, only after a handshake
        except TLSError:
            return
        _send_alert(state, sock)

    def close(self, state: EngineConnection) -> None:
        # The session itself goes with the state (the C one through ffi.gc);
        # session_info may still read it while the caller holds the state.
        state.out.clear()
        state.plain.clear()

    def alpn(self, state: EngineConnection) -> bytes:
        return (state.session.alpn or "").encode("ascii")


def _take(state: EngineConnection, n: int, flags: int) -> tuple[bytes, int]:
    data = bytes(state.plain[:n])
    del state.plain[:n]
    if state.plain or state.peer_closed:
        flags |= MORE
    return data, flags


def _write(state: EngineConnection, sock) -> int:
    """Send queued ciphertext until the socket is full: the bytes still queued."""
    out = state.out
    while out:
        try:
            sent = sock.send(out)
        except BlockingIOError:
            break
        del out[:sent]
    return len(out)


def _send_alert(state: EngineConnection, sock) -> None:
    """One best-effort write of the last records (an alert, close_notify): the
    connection ends next, so a failure changes nothing."""
    state.out += state.session.data_to_send()
    try:
        _write(state, sock)
    except OSError:
        pass


def session_info(state) -> TLSInfo:
    """The TLS facts of one connection from `engine.transport_state(handle)`.

    C engine: the address of the connection's saltare_tls_conn_t (an int);
    Python engine: the transport's EngineConnection. A TLSSession works too.
    """
    if isinstance(state, int):
        if not state:
            raise ValueError("no TLS connection: the handle is stale")
        from ._cbackend import session_info_at

        return session_info_at(state)
    if state is None:
        raise ValueError("no TLS connection: the handle is stale")
    session = state.session if isinstance(state, EngineConnection) else state
    return TLSInfo(session.alpn, session.sni, session.version, session.cipher, session.session_reused,
                   session.peer_certificate)
