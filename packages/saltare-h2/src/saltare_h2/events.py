"""What `H2Connection.receive_data` reports.

Per stream: RequestReceived, then DataReceived*, then TrailersReceived?, then
StreamEnded; or StreamReset at any point. Per connection: ConnectionTerminated
once, last. The events are NamedTuples: immutable and as cheap as a tuple.
"""

from typing import NamedTuple

from .errors import ErrorCode

Headers = list[tuple[bytes, bytes]]


class RequestReceived(NamedTuple):
    """A validated request head. `headers` are the regular fields (names
    lower-case, order and duplicates kept, no pseudo-header); the pseudo-headers
    are fields of their own. For CONNECT, `scheme` and `path` are empty."""

    stream_id: int
    method: bytes
    scheme: bytes
    authority: bytes
    """`:authority`, else the `host` field, else empty."""
    path: bytes
    """`:path` as received, query included."""
    headers: Headers


class DataReceived(NamedTuple):
    """A piece of request body. Give `flow_controlled_length` back with
    `acknowledge_received_data` once the data is consumed: that reopens the
    peer's window (padding is acknowledged already, and is not counted)."""

    stream_id: int
    data: bytes
    flow_controlled_length: int


class TrailersReceived(NamedTuple):
    stream_id: int
    headers: Headers


class StreamEnded(NamedTuple):
    """The request is complete (END_STREAM): no more body for this stream."""

    stream_id: int


class StreamReset(NamedTuple):
    """The stream is closed before its end. `remote` is True when the peer
    sent RST_STREAM, False when we reset it (a stream error of the peer's)."""

    stream_id: int
    error_code: ErrorCode
    remote: bool


class ConnectionTerminated(NamedTuple):
    """GOAWAY, received (`remote`) or sent on a connection error. After a
    local error the connection is closed: write `data_to_send()` and close.
    After a peer's GOAWAY, open streams may finish; `should_close` says when."""

    error_code: ErrorCode
    last_stream_id: int
    additional_data: bytes
    remote: bool
