"""The two errors of saltare-tls (no ssl import: they are raised by both backends)."""


class TLSConfigError(Exception):
    """A TLS option cannot be used; the message is one line naming the option and file."""


class TLSError(Exception):
    """The TLS session failed (bad handshake, protocol error); the session is dead."""


class ExpiredCertificateWarning(UserWarning):
    """A configured certificate is past its notAfter date (clients will refuse it)."""
