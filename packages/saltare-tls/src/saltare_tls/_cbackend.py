"""C TLS session: OpenSSL driven directly over memory BIOs (_c/session.c), and the
addresses of the engine transport table (_c/transport.c)."""

from ._checks import check_config, describe
from ._native import ffi, lib
from .config import TLSConfig, alpn_wire
from .errors import TLSConfigError, TLSError
from .info import PeerCertificate, TLSInfo

name = "c"

_CERT_REQS = {"none": 0, "optional": 1, "required": 2}
_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
_LOAD_ERRORS = {lib.SALTARE_TLS_E_CERT: "cert", lib.SALTARE_TLS_E_KEY: "key",
                lib.SALTARE_TLS_E_MISMATCH: "mismatch"}
_READ_BUFFER = 65536
_ERR_LEN = 256
# Output buffers are filled by C before they are read: no need to zero them.
_alloc = ffi.new_allocator(should_clear_after_alloc=False)


def _cstr(text: str | None):
    return ffi.new("char[]", text.encode()) if text is not None else ffi.NULL


def _last_error() -> str:
    buf = _alloc("char[]", _ERR_LEN)
    lib.saltare_tls_last_error(buf, _ERR_LEN)
    return ffi.string(buf).decode("utf-8", "replace")


class TLSContext:
    """The server context for TLSSession, built from a TLSConfig (raises TLSConfigError)."""

    __slots__ = ("config", "_ctx")

    def __init__(self, config: TLSConfig) -> None:
        entries = check_config(config)
        self.config = config
        err = ffi.new("char[]", _ERR_LEN)
        code = ffi.new("int *")
        keep = [_cstr(config.ca_certs), _cstr(config.ciphers), ffi.from_buffer(alpn_wire(config.alpn))]
        opts = ffi.new("saltare_tls_options_t *", {
            "ca_certs": keep[0], "ciphers": keep[1], "alpn": keep[2], "alpn_len": len(keep[2]),
            "cert_reqs": _CERT_REQS[config.cert_reqs], "min_version": _VERSIONS[config.minimum_version],
            "session_cache_size": config.session_cache_size,
            "num_tickets": 2 if config.session_tickets else 0,
        })
        ctx = lib.saltare_tls_ctx_new(opts, err, _ERR_LEN, code)
        if ctx == ffi.NULL:
            raise TLSConfigError(ffi.string(err).decode("utf-8", "replace"))
        self._ctx = ffi.gc(ctx, lib.saltare_tls_ctx_free)
        for entry in entries:
            names = "\0".join(entry.hostnames).encode("ascii")
            rc = lib.saltare_tls_ctx_add_cert(self._ctx, entry.certfile.encode(),
                                              (entry.keyfile or entry.certfile).encode(),
                                              _cstr(entry.password), names, len(names), err, _ERR_LEN)
            if rc != lib.SALTARE_TLS_OK:
                message = ffi.string(err).decode("utf-8", "replace")
                kind = _LOAD_ERRORS.get(rc)
                if kind is None:
                    raise TLSConfigError(message)
                raise TLSConfigError(describe(kind, entry, message.rpartition(": ")[2]))


class TLSSession:
    """Sans-IO server TLS session: ciphertext in/out, plaintext in/out."""

    __slots__ = ("_context", "_conn", "closed", "_dead")

    def __init__(self, context: TLSContext, server_side: bool = True) -> None:
        if not server_side:
            raise ValueError("only server-side sessions are supported")
        conn = lib.saltare_tls_conn_new(context._ctx)
        if conn == ffi.NULL:
            raise MemoryError("cannot create a TLS session")
        self._context = context  # the SNI/ALPN callbacks use its C context
        self._conn = ffi.gc(conn, lib.saltare_tls_conn_free)
        self.closed = False  # the peer sent close_notify
        self._dead = False

    def _fail(self, rc: int) -> TLSError:
        self._dead = True
        if rc == lib.SALTARE_TLS_E_STATE:
            return TLSError("the session failed earlier")
        return TLSError(_last_error())

    def receive(self, data: bytes) -> bytes:
        """Feed ciphertext; returns the plaintext it completes (b"" during the handshake)."""
        # A bounded buffer, refilled on MORE: a big one per call would be a fresh
        # mmap (page faults) for every large receive.
        cap = _READ_BUFFER
        out = _alloc("char[]", cap)
        got = ffi.new("size_t *")
        chunks = []
        rc = lib.saltare_tls_conn_receive(self._conn, ffi.from_buffer(data), len(data), out, cap, got)
        # MORE: out was filled; each further call drains buffered records only.
        while rc == lib.SALTARE_TLS_MORE:
            chunks.append(ffi.buffer(out, got[0])[:])
            rc = lib.saltare_tls_conn_receive(self._conn, ffi.NULL, 0, out, cap, got)
        if rc < 0:
            raise self._fail(rc)
        chunks.append(ffi.buffer(out, got[0])[:])
        if rc == lib.SALTARE_TLS_CLOSED:
            self.closed = True
        return b"".join(chunks)

    def send(self, data: bytes) -> None:
        """Encrypt plaintext; the records wait in data_to_send()."""
        if self._dead or not self.handshake_done:
            raise TLSError("send before the handshake completed or after a failure")
        rc = lib.saltare_tls_conn_send(self._conn, ffi.from_buffer(data), len(data))
        if rc != lib.SALTARE_TLS_OK:
            raise self._fail(rc)

    def data_to_send(self) -> bytes:
        """Ciphertext to write to the socket (handshake records, data, alerts)."""
        pointer = ffi.new("const char **")
        size = lib.saltare_tls_conn_peek(self._conn, pointer)
        if not size:
            return b""
        data = ffi.buffer(pointer[0], size)[:]
        lib.saltare_tls_conn_consumed(self._conn)
        return data

    def close(self) -> None:
        """Queue close_notify (nothing when the handshake never completed)."""
        if lib.saltare_tls_conn_close(self._conn) != lib.SALTARE_TLS_OK:
            raise self._fail(lib.SALTARE_TLS_ERROR)

    @property
    def handshake_done(self) -> bool:
        return bool(_info(self._conn).handshake_done)

    @property
    def alpn(self) -> str | None:
        return _alpn(_info(self._conn))

    @property
    def sni(self) -> str | None:
        return _sni(_info(self._conn))

    @property
    def version(self) -> str | None:
        return _version(_info(self._conn))

    @property
    def cipher(self) -> str | None:
        return _cipher(_info(self._conn))

    @property
    def session_reused(self) -> bool:
        return bool(_info(self._conn).session_reused)

    @property
    def peer_certificate(self) -> PeerCertificate | None:
        return _peer_certificate(self._conn)


def _info(conn):
    info = ffi.new("saltare_tls_info_t *")
    lib.saltare_tls_conn_info(conn, info)
    return info


def _alpn(info) -> str | None:
    return ffi.string(info.alpn, info.alpn_len).decode("ascii") if info.alpn_len else None


def _sni(info) -> str | None:
    return ffi.string(info.sni).decode("ascii") if info.sni != ffi.NULL else None


def _version(info) -> str | None:
    return ffi.string(info.version).decode("ascii") if info.handshake_done else None


def _cipher(info) -> str | None:
    return ffi.string(info.cipher).decode("ascii") if info.handshake_done and info.cipher else None


def _peer_certificate(conn) -> PeerCertificate | None:
    size = lib.saltare_tls_conn_peer_der(conn, ffi.NULL, 0)
    if not size:
        return None
    out = _alloc("unsigned char[]", size)
    lib.saltare_tls_conn_peer_der(conn, out, size)
    return PeerCertificate.from_der(ffi.buffer(out, size)[:])


# -- the engine transport (_c/transport.c) ------------------------------
def transport_addresses(context: TLSContext) -> tuple[int, int]:
    """(address of the static transport table, address of the context's C ctx)."""
    table = lib.saltare_tls_transport_table()
    return int(ffi.cast("uintptr_t", table)), int(ffi.cast("uintptr_t", context._ctx))


def session_info_at(address: int) -> TLSInfo:
    """TLSInfo of the saltare_tls_conn_t at address (a C engine's transport state)."""
    conn = ffi.cast("saltare_tls_conn_t *", address)
    info = _info(conn)
    return TLSInfo(_alpn(info), _sni(info), _version(info), _cipher(info), bool(info.session_reused),
                   _peer_certificate(conn))
