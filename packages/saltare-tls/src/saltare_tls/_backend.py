"""The one place that picks the C or the Python backend.

SALTARE_PURE=1 forces Python; otherwise the C backend serves when its
extension was built. Both modules expose the `Backend` surface. Importing
this module loads libssl (C) or the ssl module (Python): __init__ imports it
only when a TLS name is first used.
"""

import os
from typing import Protocol


class Backend(Protocol):
    name: str  # "c" or "python"

    class TLSContext(Protocol):
        def __init__(self, config) -> None:
            """Load the certificates of a TLSConfig; raises TLSConfigError."""

    class TLSSession(Protocol):
        handshake_done: bool
        closed: bool  # the peer sent close_notify
        alpn: str | None
        sni: str | None
        version: str | None
        cipher: str | None
        session_reused: bool
        peer_certificate: object  # PeerCertificate | None

        def __init__(self, context, server_side: bool = True) -> None: ...

        def receive(self, data: bytes) -> bytes:
            """Feed ciphertext, get the plaintext it completes; raises TLSError."""

        def send(self, data: bytes) -> None:
            """Encrypt plaintext (after the handshake); raises TLSError."""

        def data_to_send(self) -> bytes:
            """Ciphertext to write to the peer."""

        def close(self) -> None:
            """Queue close_notify."""


if os.environ.get("SALTARE_PURE") == "1":
    from . import _pybackend as selected
else:
    try:
        from . import _cbackend as selected
    except ImportError:
        from . import _pybackend as selected

backend: str = selected.name
