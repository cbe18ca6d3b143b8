"""saltare-ws: a sans-IO WebSocket server library (RFC 6455 + RFC 7692).

    request = read_upgrade(method, headers)        # UpgradeRequest or Rejection
    acceptance = accept(request, subprotocol=None, config=config)
    conn = ServerConnection(config, deflate=acceptance.deflate)
    events = conn.receive_data(data)               # TextMessage, BytesMessage, Ping, ...
    out = conn.data_to_send() + conn.send("hi")    # bytes to write

`backend` tells which implementation runs ("c" or "python"; SALTARE_PURE=1
forces Python).
"""

from ._backend import backend, selected
from ._connection import State
from ._version import __version__
from .config import DEFAULT_CONFIG, Config, DeflateConfig
from .deflate import DeflateParams
from .errors import CloseCode, ErrorCode, InvalidState
from .events import BytesMessage, CloseConnection, ConnectionFailed, Ping, Pong, TextMessage
from .handshake import Acceptance, Rejection, UpgradeRequest, accept, accept_key, read_upgrade
from .keepalive import Keepalive

ServerConnection = selected.ServerConnection
FrameParser = selected.FrameParser
Utf8Validator = selected.Utf8Validator
apply_mask = selected.apply_mask
mask_in_place = selected.mask_in_place

__all__ = [
    "DEFAULT_CONFIG",
    "Acceptance",
    "BytesMessage",
    "CloseCode",
    "CloseConnection",
    "Config",
    "ConnectionFailed",
    "DeflateConfig",
    "DeflateParams",
    "ErrorCode",
    "FrameParser",
    "InvalidState",
    "Keepalive",
    "Ping",
    "Pong",
    "Rejection",
    "ServerConnection",
    "State",
    "TextMessage",
    "UpgradeRequest",
    "Utf8Validator",
    "__version__",
    "accept",
    "accept_key",
    "apply_mask",
    "backend",
    "mask_in_place",
    "read_upgrade",
]
