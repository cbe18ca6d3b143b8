"""The context builder: TLSConfig -> ssl.SSLContext (stdlib ssl, loaded only here).

Used by the Python session backend and usable on its own (asyncio's SSL
transport). Each certificate gets its own SSLContext with the same options;
the default one's SNI callback switches the connection to the matching one.
"""

import ssl

from . import _names
from ._checks import CertEntry, check_config, describe
from .config import TLSConfig
from .errors import TLSConfigError

_VERIFY_MODES = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}
_VERSIONS = {"TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}


class SNIObject(ssl.SSLObject):
    """An SSLObject that remembers the SNI name its callback saw (None: no SNI)."""

    server_name_indication: str | None = None


def _password(entry: CertEntry):
    if entry.password is not None:
        return entry.password

    def missing() -> str:
        # Never let OpenSSL prompt on a terminal for an encrypted key.
        raise TLSConfigError(describe("key", entry, ""))

    return missing


def _one_context(config: TLSConfig, entry: CertEntry) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = _VERSIONS[config.minimum_version]
    ctx.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_NO_RENEGOTIATION
    if config.session_tickets:
        ctx.options &= ~ssl.OP_NO_TICKET
    else:
        ctx.options |= ssl.OP_NO_TICKET
        ctx.num_tickets = 0
    if config.ciphers:
        try:
            ctx.set_ciphers(config.ciphers)
        except ssl.SSLError:
            raise TLSConfigError(f"ciphers: no usable cipher in {config.ciphers!r}") from None
    if config.ca_certs:
        try:
            ctx.load_verify_locations(cafile=config.ca_certs)
        except ssl.SSLError as exc:
            raise TLSConfigError(f"ca_certs: cannot load {config.ca_certs}: {exc.reason}") from None
    ctx.verify_mode = _VERIFY_MODES[config.cert_reqs]
    if config.alpn:
        ctx.set_alpn_protocols(list(config.alpn))
    try:
        ctx.load_cert_chain(entry.certfile, entry.keyfile, password=_password(entry))
    except ssl.SSLError as exc:
        reason = exc.reason or str(exc)
        if reason == "KEY_VALUES_MISMATCH":
            kind = "mismatch"
        elif entry.key_encrypted:
            kind = "key"
        else:
            kind = "pair"  # ssl does not say which of the two files failed
        raise TLSConfigError(describe(kind, entry, reason)) from None
    ctx.sslobject_class = SNIObject
    return ctx


def build_context(config: TLSConfig) -> ssl.SSLContext:
    """A server SSLContext for config; TLSConfigError names the bad option and file."""
    entries = check_config(config)
    contexts = [_one_context(config, entry) for entry in entries]
    names = [entry.hostnames for entry in entries]

    def on_sni(ssl_object, server_name, _ctx):
        if isinstance(ssl_object, SNIObject):
            ssl_object.server_name_indication = server_name
        index = _names.pick(names, server_name) if server_name else -1
        if index > 0:
            ssl_object.context = contexts[index]

    contexts[0].sni_callback = on_sni
    return contexts[0]
