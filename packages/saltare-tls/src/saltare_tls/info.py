"""What a session reports about its peer (shared by both backends)."""

from typing import NamedTuple

from ._der import subject


class PeerCertificate(NamedTuple):
    """The client's certificate: RFC 4514 subject (ASGI tls client_cert_name) and DER."""

    subject: str
    der: bytes

    @classmethod
    def from_der(cls, der: bytes) -> "PeerCertificate":
        try:
            name = subject(der)
        except (ValueError, IndexError, UnicodeDecodeError):
            name = ""  # verified by OpenSSL yet unusual DER: the bytes still serve
        return cls(name, der)


class TLSInfo(NamedTuple):
    """What a finished handshake settled, for one connection (see session_info)."""

    alpn: str | None
    sni: str | None
    version: str | None
    cipher: str | None
    session_reused: bool
    peer_certificate: PeerCertificate | None
