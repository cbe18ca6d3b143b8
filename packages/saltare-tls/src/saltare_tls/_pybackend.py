"""Pure-Python TLS session: stdlib ssl.SSLObject between two MemoryBIOs."""

import ssl

from ._context import SNIObject, build_context
from .config import TLSConfig
from .errors import TLSError
from .info import PeerCertificate

name = "python"

_READ_SIZE = 65536


class TLSContext:
    """The server context for TLSSession, built from a TLSConfig (raises TLSConfigError)."""

    __slots__ = ("config", "ssl_context")

    def __init__(self, config: TLSConfig) -> None:
        self.config = config
        self.ssl_context = build_context(config)


class TLSSession:
    """Sans-IO server TLS session: ciphertext in/out, plaintext in/out."""

    __slots__ = ("_context", "_incoming", "_outgoing", "_obj", "handshake_done", "closed", "_dead")

    def __init__(self, context: TLSContext, server_side: bool = True) -> None:
        if not server_side:
            raise ValueError("only server-side sessions are supported")
        self._context = context
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._obj: SNIObject = context.ssl_context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        self.handshake_done = False
        self.closed = False  # the peer sent close_notify
        self._dead = False

    def _fail(self, exc: ssl.SSLError) -> TLSError:
        self._dead = True
        return TLSError(exc.reason or str(exc))

    def receive(self, data: bytes) -> bytes:
        """Feed ciphertext; returns the plaintext it completes (b"" during the handshake)."""
        if self._dead:
            raise TLSError("the session failed earlier")
        if data:
            self._incoming.write(data)
        try:
            if not self.handshake_done:
                self._obj.do_handshake()
                self.handshake_done = True
            chunks = []
            # Each read consumes buffered input: the loop ends when it runs out
            # (SSLWantReadError) or at close_notify, which ssl reports as b"".
            while chunk := self._obj.read(_READ_SIZE):
                chunks.append(chunk)
            self.closed = True
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLZeroReturnError:
            self.closed = True
        except ssl.SSLError as exc:
            raise self._fail(exc) from None
        return b"".join(chunks) if self.handshake_done else b""

    def send(self, data: bytes) -> None:
        """Encrypt plaintext; the records wait in data_to_send()."""
        if self._dead or not self.handshake_done:
            raise TLSError("send before the handshake completed or after a failure")
        view = memoryview(data)
        try:
            while view:
                view = view[self._obj.write(view) :]
        except ssl.SSLError as exc:
            raise self._fail(exc) from None

    def data_to_send(self) -> bytes:
        """Ciphertext to write to the socket (handshake records, data, alerts)."""
        return self._outgoing.read()

    def close(self) -> None:
        """Queue close_notify (nothing when the handshake never completed)."""
        if self._dead or not self.handshake_done:
            return
        try:
            self._obj.unwrap()
        except ssl.SSLWantReadError:
            pass  # our close_notify is queued; the peer's has not arrived
        except ssl.SSLError as exc:
            raise self._fail(exc) from None

    @property
    def alpn(self) -> str | None:
        return self._obj.selected_alpn_protocol()

    @property
    def sni(self) -> str | None:
        return self._obj.server_name_indication

    @property
    def version(self) -> str | None:
        return self._obj.version()

    @property
    def cipher(self) -> str | None:
        cipher = self._obj.cipher()
        return cipher[0] if cipher else None

    @property
    def session_reused(self) -> bool:
        return self._obj.session_reused

    @property
    def peer_certificate(self) -> PeerCertificate | None:
        der = self._obj.getpeercert(binary_form=True) if self.handshake_done else None
        return PeerCertificate.from_der(der) if der else None
