"""saltare-http1: a strict, sans-IO HTTP/1.1 server-side parser and writer.

    parser = RequestParser()
    for event in parser.feed(data):   # Request, Data..., EndOfMessage
        ...

`backend` tells which implementation runs ("c" or "python"; SALTARE_PURE=1
forces Python).
"""

from ._backend import backend, selected
from ._version import __version__
from .errors import ErrorCode, ProtocolError
from .events import Data, EndOfMessage, Request, percent_decode_path
from .limits import DEFAULT_LIMITS, Limits
from .writer import Framing, ResponseHead, chunk, last_chunk, write_response_head

RequestParser = selected.RequestParser

__all__ = [
    "DEFAULT_LIMITS",
    "Data",
    "EndOfMessage",
    "ErrorCode",
    "Framing",
    "Limits",
    "ProtocolError",
    "Request",
    "RequestParser",
    "ResponseHead",
    "__version__",
    "backend",
    "chunk",
    "last_chunk",
    "percent_decode_path",
    "write_response_head",
]
