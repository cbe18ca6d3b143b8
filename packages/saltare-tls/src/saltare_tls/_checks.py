"""Checks both backends run before handing files to OpenSSL: one-line errors.

OpenSSL's own messages ("PEM lib", "no start line") do not say which option
or file is wrong, so files are checked here first and OpenSSL's failures are
reworded by `describe`.
"""

import base64
import os
import time
import warnings
from typing import NamedTuple

from ._der import not_after
from .config import CERT_REQS, MINIMUM_VERSIONS, TLSConfig
from .errors import ExpiredCertificateWarning, TLSConfigError

_CERT_BEGIN = b"-----BEGIN CERTIFICATE-----"
_CERT_END = b"-----END CERTIFICATE-----"


class CertEntry(NamedTuple):
    """One certificate to load; check_config's list has the default first."""

    hostnames: tuple[str, ...]
    certfile: str
    keyfile: str | None
    password: str | None
    key_encrypted: bool


def _read(option: str, path: str) -> bytes:
    if not os.path.isfile(path):
        raise TLSConfigError(f"{option}: file not found: {path}")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise TLSConfigError(f"{option}: cannot read {path}: {exc.strerror}") from None


def _warn_if_expired(path: str, pem: bytes) -> None:
    start = pem.find(_CERT_BEGIN)
    end = pem.find(_CERT_END, start)
    try:
        der = base64.b64decode(pem[start + len(_CERT_BEGIN) : end])
        expiry = not_after(der)
    except (ValueError, IndexError):
        return  # OpenSSL's load reports a certificate it cannot read
    if expiry < time.time():
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expiry))
        warnings.warn(f"certfile: {path} expired on {when}", ExpiredCertificateWarning, stacklevel=4)


def _check_pair(certfile: str, keyfile: str | None) -> bool:
    """Check one cert/key pair; True when the key is encrypted."""
    cert_pem = _read("certfile", certfile)
    if _CERT_BEGIN not in cert_pem:
        raise TLSConfigError(f"certfile: not a PEM certificate: {certfile}")
    _warn_if_expired(certfile, cert_pem)
    key_pem = _read("keyfile", keyfile) if keyfile else cert_pem
    if b"PRIVATE KEY-----" not in key_pem:
        raise TLSConfigError(f"keyfile: no PEM private key in {keyfile or certfile}")
    return b"ENCRYPTED" in key_pem


def check_config(config: TLSConfig) -> list[CertEntry]:
    """Validate the options and files; the certificates, default first."""
    if config.cert_reqs not in CERT_REQS:
        raise TLSConfigError(f"cert_reqs: {config.cert_reqs!r} is not one of {', '.join(CERT_REQS)}")
    if config.minimum_version not in MINIMUM_VERSIONS:
        raise TLSConfigError(f"minimum_version: {config.minimum_version!r} is not one of "
                             f"{', '.join(MINIMUM_VERSIONS)}")
    if config.cert_reqs != "none" and not config.ca_certs:
        raise TLSConfigError(f"cert_reqs: {config.cert_reqs!r} needs ca_certs to verify clients")
    for name in config.alpn:
        if not 0 < len(name.encode("ascii")) < 256:
            raise TLSConfigError(f"alpn: bad protocol name {name!r}")
    if config.ca_certs:
        ca_pem = _read("ca_certs", config.ca_certs)
        if _CERT_BEGIN not in ca_pem:
            raise TLSConfigError(f"ca_certs: not a PEM certificate: {config.ca_certs}")
    if not 0 < config.session_cache_size < 2**31:
        raise TLSConfigError("session_cache_size: must be between 1 and 2**31-1")
    entries = [CertEntry((), config.certfile, config.keyfile, config.keyfile_password,
                         _check_pair(config.certfile, config.keyfile))]
    for sni in config.sni_certs:
        if not sni.hostnames or isinstance(sni.hostnames, str):
            raise TLSConfigError(f"sni_certs: hostnames of {sni.certfile} must be a non-empty tuple")
        if not all(name.isascii() and name for name in sni.hostnames):
            raise TLSConfigError(f"sni_certs: hostnames of {sni.certfile} must be non-empty ASCII "
                                 "(IDNA A-labels such as xn--bcher-kva.example)")
        entries.append(CertEntry(tuple(sni.hostnames), sni.certfile, sni.keyfile,
                                 sni.keyfile_password, _check_pair(sni.certfile, sni.keyfile)))
    return entries


def describe(kind: str, entry: CertEntry, reason: str) -> str:
    """One line for a failed load; kind is "cert", "key", "pair" or "mismatch"."""
    _, certfile, keyfile, password, encrypted = entry
    keyfile = keyfile or certfile
    if kind == "mismatch":
        return f"keyfile: the key in {keyfile} does not match the certificate in {certfile}"
    if kind == "key" and encrypted:
        if password is None:
            return f"keyfile_password: {keyfile} is encrypted and no password was given"
        return f"keyfile_password: wrong password for {keyfile}"
    if kind == "key":
        return f"keyfile: cannot load the key in {keyfile}: {reason}"
    if kind == "pair":
        return f"certfile/keyfile: cannot load {certfile} with the key in {keyfile}: {reason}"
    return f"certfile: cannot load the certificate in {certfile}: {reason}"
