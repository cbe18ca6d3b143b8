"""saltare-tls: TLS context builder and a sans-IO TLS server session (C or Python).

`import saltare_tls` loads neither `ssl` nor libssl: the backend is imported
the first time a TLS name (TLSContext, TLSSession, backend, build_context)
is used, so a plain-HTTP server pays nothing for TLS.
"""

from ._version import __version__
from .config import SNICert, TLSConfig
from .errors import ExpiredCertificateWarning, TLSConfigError, TLSError
from .info import PeerCertificate

__all__ = [
    "ExpiredCertificateWarning", "PeerCertificate", "SNICert", "TLSConfig", "TLSConfigError",
    "TLSContext", "TLSError", "TLSSession", "__version__", "backend", "build_context",
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
