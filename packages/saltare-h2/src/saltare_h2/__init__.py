"""saltare-h2: a sans-IO HTTP/2 server connection (RFC 9113, RFC 7541).

    conn = H2Connection(H2Config())
    for event in conn.receive_data(data):   # RequestReceived, DataReceived, ...
        ...
    transport.write(conn.data_to_send())

`backend` tells which implementation scans frames and decodes Huffman
strings ("c" or "python"; SALTARE_PURE=1 forces Python).
"""

from ._backend import backend, selected
from ._frames import PREFACE
from ._version import __version__
from .config import DEFAULT_CONFIG, H2Config
from .errors import ErrorCode, StreamClosedError
from .events import (
    ConnectionTerminated,
    DataReceived,
    RequestReceived,
    StreamEnded,
    StreamReset,
    TrailersReceived,
)
from .upgrade import H2C_SWITCHING_PROTOCOLS, detect_preface, wants_h2c_upgrade

H2Connection = selected.H2Connection

__all__ = [
    "DEFAULT_CONFIG",
    "H2C_SWITCHING_PROTOCOLS",
    "PREFACE",
    "ConnectionTerminated",
    "DataReceived",
    "ErrorCode",
    "H2Config",
    "H2Connection",
    "RequestReceived",
    "StreamClosedError",
    "StreamEnded",
    "StreamReset",
    "TrailersReceived",
    "__version__",
    "backend",
    "detect_preface",
    "wants_h2c_upgrade",
]
