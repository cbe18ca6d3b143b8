"""The "hello-then-XOR" test transport (tests/c/xor_transport.h) for both
engines: the C table built with cffi into a temporary module for the C
engine, the same rules in Python for the selectors engine, and a client.

Handshake: the client sends b"HELO", the server answers b"OK", a length
byte and the ALPN name; afterwards every byte both ways is XORed with 0x5A.
recv hands out at most 7 bytes per call (MORE while more is buffered);
output is queued inside (4 KiB) and written `budget` bytes per sendv/flush
(WANT_WRITE); shutdown sends b"BYE" (XORed)."""

import socket
from pathlib import Path

from saltare_core import TRANSPORT_MORE, TRANSPORT_READY, TRANSPORT_WANT_WRITE

KEY = 0x5A
RECV_MAX = 7
IN_CAP = OUT_CAP = 4096
WAIT = 10.0
_TABLE = bytes(range(256)).translate(bytes(b ^ KEY for b in range(256)))
HERE = Path(__file__).resolve().parent
CORE_C = HERE.parent / "src" / "saltare_core" / "_c"

CDEF = """
typedef struct {
    char alpn[32];
    uint32_t alpn_len, budget, refuse, opened, closed, shutdowns;
} xor_ctx_t;
const void *xor_transport_table(void);
"""


def xor(data: bytes) -> bytes:
    return bytes(data).translate(_TABLE)


def build_c_module(tmp_dir: Path):
    """Compile tests/c/xor_transport.c into a cffi module in tmp_dir; returns (ffi, lib)."""
    import importlib.util

    from cffi import FFI

    builder = FFI()
    builder.cdef(CDEF)
    builder.set_source("_xor_transport", '#include "xor_transport.h"\n',
                       sources=[str(HERE / "c" / "xor_transport.c")],
                       include_dirs=[str(HERE / "c"), str(CORE_C)],
                       extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror"])
    library = builder.compile(tmpdir=str(tmp_dir))
    spec = importlib.util.spec_from_file_location("_xor_transport", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ffi, module.lib


class CXorTransport:
    """The C table with its ctx, for the C engine's set_transport()."""

    def __init__(self, native, alpn: bytes = b"xor/1", budget: int = 1500, refuse: bool = False) -> None:
        ffi, lib = native
        self._lib = lib
        self.ctx = ffi.new("xor_ctx_t *")
        self.ctx.alpn = alpn
        self.ctx.alpn_len = len(alpn)
        self.ctx.budget = budget
        self.ctx.refuse = int(refuse)
        self._ctx_address = int(ffi.cast("uintptr_t", self.ctx))
        self._table_address = int(ffi.cast("uintptr_t", lib.xor_transport_table()))

    def c_transport(self) -> tuple[int, int]:
        return self._table_address, self._ctx_address

    def counts(self) -> tuple[int, int, int]:
        """(opened, closed, shutdowns)."""
        return self.ctx.opened, self.ctx.closed, self.ctx.shutdowns


class XorState:
    __slots__ = ("ready", "hello", "inbuf", "out")

    def __init__(self) -> None:
        self.ready = False
        self.hello = b""
        self.inbuf = bytearray()  # decoded plaintext
        self.out = bytearray()  # encoded output


class PyXorTransport:
    """The same transport for the Python engine (saltare_core.transport.Transport)."""

    handshake = True

    def __init__(self, alpn: bytes = b"xor/1", budget: int = 1500, refuse: bool = False) -> None:
        self.alpn_name, self.budget, self.refuse = alpn, budget, refuse
        self.opened = self.closed = self.shutdowns = 0

    def counts(self) -> tuple[int, int, int]:
        return self.opened, self.closed, self.shutdowns

    def open(self, sock) -> XorState:
        if self.refuse:
            raise OSError("refused")
        self.opened += 1
        return XorState()

    def _write_some(self, state: XorState, sock, limit: int) -> int:
        if state.out:
            try:
                n = sock.send(state.out[:limit])
            except (BlockingIOError, InterruptedError):
                return len(state.out)
            del state.out[:n]
        return len(state.out)

    def _queue(self, state: XorState, data: bytes) -> int:
        take = min(len(data), OUT_CAP - len(state.out))
        state.out += data[:take]
        return take

    def recv(self, state: XorState, sock, n: int):
        flags = 0
        if not state.inbuf:
            try:
                data = sock.recv(IN_CAP)
            except (BlockingIOError, InterruptedError):
                return None, TRANSPORT_WANT_WRITE if state.out else 0
            if not data:
                return b"", TRANSPORT_WANT_WRITE if state.out else 0
            if not state.ready:
                need = 4 - len(state.hello)
                state.hello += data[:need]
                data = data[need:]
                if len(state.hello) == 4:
                    if state.hello != b"HELO":
                        raise OSError("not a hello")
                    self._queue(state, b"OK" + bytes([len(self.alpn_name)]) + self.alpn_name)
                    state.ready = True
                    flags |= TRANSPORT_READY
                    self._write_some(state, sock, self.budget)
            state.inbuf += xor(data)
        if state.out:
            flags |= TRANSPORT_WANT_WRITE
        if not state.inbuf:
            return None, flags
        give = bytes(state.inbuf[: min(n, RECV_MAX)])
        del state.inbuf[: len(give)]
        if state.inbuf:
            flags |= TRANSPORT_MORE
        return give, flags

    def sendv(self, state: XorState, sock, views):
        if self._write_some(state, sock, self.budget):
            return None, TRANSPORT_WANT_WRITE
        taken = 0
        for view in views:
            took = self._queue(state, xor(view))
            taken += took
            if took < len(view):
                break
        self._write_some(state, sock, self.budget)
        return taken, TRANSPORT_WANT_WRITE if state.out else 0

    def flush(self, state: XorState, sock) -> int:
        return self._write_some(state, sock, self.budget)

    def shutdown(self, state: XorState, sock) -> None:
        self.shutdowns += 1
        self._queue(state, xor(b"BYE"))
        self._write_some(state, sock, OUT_CAP)

    def close(self, state: XorState) -> None:
        self.closed += 1

    def alpn(self, state: XorState) -> bytes:
        return self.alpn_name


class XorClient:
    """A blocking client speaking the transport over a real socket."""

    def __init__(self, port: int, first_flight: bytes = b"") -> None:
        """Connect and send the hello, with `first_flight` (plaintext) right
        behind it in the same send, as a pipelining client would."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(b"HELO" + xor(first_flight))

    def handshake(self) -> bytes:
        """The server's answer: returns the ALPN name."""
        head = self._exactly(3)
        assert head[:2] == b"OK"
        return self._exactly(head[2])

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "connection closed during the handshake"
            data += chunk
        return data

    def send(self, data: bytes) -> None:
        self.sock.sendall(xor(data))

    def recv_until(self, predicate, limit: int = 1 << 24) -> bytes:
        """Decoded bytes until predicate(data) or EOF; bounded by WAIT per recv."""
        data = b""
        while not predicate(data) and len(data) < limit:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += xor(chunk)
        return data

    def close(self) -> None:
        self.sock.close()
