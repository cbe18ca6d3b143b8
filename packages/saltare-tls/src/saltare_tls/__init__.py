"""saltare-tls: TLS context builder, a sans-IO TLS server session (C or Python) and
the transport that puts sessions under saltare-core's engine.

`import saltare_tls` loads neither `ssl` nor libssl: the backend is imported
the first time a TLS name (TLSContext, TLSSession, backend, build_context)
is used, so a plain-HTTP server pays nothing for TLS.
"""

from ._version import __version__
from .config import SNICert, TLSConfig
from .errors import ExpiredCertificateWarning, TLSConfigError, TLSError
from .info import PeerCertificate, TLSInfo
from .transport import EngineTransport, session_info

__all__ = [
    "EngineTransport", "ExpiredCertificateWarning", "PeerCertificate", "SNICert", "TLSConfig",
    "TLSConfigError", "TLSContext", "TLSError", "TLSInfo", "TLSSession", "__version__", "backend",
    "build_context", "session_info",
]


def __getattr__(name: str):
    if name in ("TLSContext", "TLSSession", "backend"):
        from . import _backend

        value = _backend.backend if name == "backend" else getattr(_backend.selected, name)
    elif name == "build_context":
        from ._context import build_context as value
    else:
        raise AttributeError(f"module 'saltare_tls' has no attribute {name!r}")
    globals()[name] = value
    return value
