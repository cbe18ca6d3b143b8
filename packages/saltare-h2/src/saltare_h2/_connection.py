"""The receiving half of a server connection: preface, frame dispatch, stream
states, inbound flow control and the flood guards (RFC 9113).

Each backend subclasses H2Connection with its FrameScanner and Huffman
decoder; everything else is shared.
"""

import base64

from . import _frames as F
from ._headers import request_from_fields, trailers_from_fields
from ._hpack import Decoder
from ._sending import Sender
from ._stream import Stream
from .config import DEFAULT_CONFIG, H2Config
from .errors import ErrorCode, HPACKError, ProtocolError, StreamError
from .events import (
    ConnectionTerminated,
    DataReceived,
    StreamEnded,
    StreamReset,
    TrailersReceived,
)

_RECENTLY_CLOSED = 256  # closed stream ids remembered, to answer late frames right
_CALM = ErrorCode.ENHANCE_YOUR_CALM
_SELF_DEPENDENT = 0x100  # an internal flag beside the frame's 8 bits


class H2Connection(Sender):
    """One server-side HTTP/2 connection, sans-IO.

        conn = H2Connection(H2Config())
        transport.write(conn.data_to_send())         # our SETTINGS
        for event in conn.receive_data(received):    # RequestReceived, DataReceived, ...
            ...
        conn.send_headers(stream_id, 200, [(b"content-type", b"text/plain")])
        conn.send_data(stream_id, b"hello", end_stream=True)
        transport.write(conn.data_to_send())
    """

    __slots__ = (
        "config", "_scanner", "_decoder", "_inbuf", "_preface_done", "_settings_seen",
        "_streams", "_closed_recently", "_highest_stream_id", "_open_count",
        "_recv_window", "_stream_update_threshold", "_conn_update_threshold",
        "_local_settings_acked", "_block", "_going_away", "_peer_going_away", "_closed",
        "_pings", "_settings_count", "_empty", "_rapid_resets", "_events",
        "_out", "_queued_control", "_encoder", "_send_window", "_peer_initial_window",
        "_peer_max_frame_size", "_ready", "_conn_unannounced",
    )  # fmt: skip
    _FrameScanner: type
    _huffman_decode = None  # set by each backend

    def __init__(self, config: H2Config = DEFAULT_CONFIG) -> None:
        if not F.DEFAULT_MAX_FRAME_SIZE <= config.max_frame_size <= F.MAX_FRAME_SIZE_LIMIT:
            raise ValueError("max_frame_size must be within 16384..16777215")
        if not 0 < config.initial_window_size <= F.MAX_WINDOW_SIZE:
            raise ValueError("initial_window_size must be within 1..2^31-1")
        if not F.DEFAULT_WINDOW_SIZE <= config.connection_window_size <= F.MAX_WINDOW_SIZE:
            raise ValueError("connection_window_size must be within 65535..2^31-1")
        self.config = config
        self._scanner = self._FrameScanner()
        self._decoder = Decoder(self._huffman_decode, min(config.header_table_size, 4096))
        self._inbuf = bytearray()
        self._preface_done = False
        self._settings_seen = False
        self._streams: dict[int, Stream] = {}
        self._closed_recently: dict[int, bool] = {}  # stream id -> reset by us
        self._highest_stream_id = 0
        self._open_count = 0
        self._recv_window = config.connection_window_size
        self._stream_update_threshold = max(1, config.initial_window_size // 2)
        self._conn_update_threshold = config.connection_window_size // 2
        self._local_settings_acked = False
        self._block: list | None = None  # [stream id, flags, fragments, frames, bytes] of an open header block
        self._going_away = self._peer_going_away = self._closed = False
        self._pings = self._settings_count = self._empty = self._rapid_resets = 0
        self._events: list = []
        self._init_sending()
        # Our preface: SETTINGS, then the connection window raised past 65535.
        self._out += F.settings_frame([
            (F.SETTINGS_HEADER_TABLE_SIZE, config.header_table_size),
            (F.SETTINGS_ENABLE_PUSH, 0),
            (F.SETTINGS_MAX_CONCURRENT_STREAMS, config.max_concurrent_streams),
            (F.SETTINGS_INITIAL_WINDOW_SIZE, config.initial_window_size),
            (F.SETTINGS_MAX_FRAME_SIZE, config.max_frame_size),
            (F.SETTINGS_MAX_HEADER_LIST_SIZE, config.max_header_list_size),
        ])  # fmt: skip
        if config.connection_window_size > F.DEFAULT_WINDOW_SIZE:
            self._out += F.window_update_frame(0, config.connection_window_size - F.DEFAULT_WINDOW_SIZE)

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def receive_data(self, data: bytes) -> list:
        """Feeds received bytes; returns the events they complete. A
        connection error ends with ConnectionTerminated (remote=False) and a
        GOAWAY in `data_to_send()`; later data is ignored."""
        if self._closed:
            return []
        events = self._events = []
        buf = self._inbuf
        buf += data
        try:
            start = 0
            if not self._preface_done:
                start = self._read_preface(buf)
                if not start:
                    return events
            words, consumed, oversized = self._scanner.scan(buf, start, self.config.max_frame_size)
            if words:
                with memoryview(buf) as view:
                    self._dispatch(view, words)
            if oversized and not self._closed:
                raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "frame larger than SETTINGS_MAX_FRAME_SIZE")
            del buf[:consumed]
        except ProtocolError as error:
            self._terminate(error.error_code, error.reason)
        if self._queued_control > self.config.max_queued_control_frames and not self._closed:
            self._terminate(_CALM, "control frames queued unread")
        return events

    def initiate_upgrade(self, http2_settings: bytes, method: bytes, path: bytes,
                         authority: bytes, headers, scheme: bytes = b"http") -> list:
        """h2c upgrade (RFC 7540 §3.2): after answering the HTTP/1.1 request
        with `H2C_SWITCHING_PROTOCOLS`, the request becomes stream 1,
        half-closed (remote). `http2_settings` is the HTTP2-Settings value
        (base64url SETTINGS payload), applied as the peer's settings; `headers`
        are the HTTP/1.1 fields (lower-case names; hop-by-hop ones are dropped).
        Returns RequestReceived(1) and StreamEnded(1); the client's preface
        follows through `receive_data`."""
        events = self._events = []
        try:
            padded = bytes(http2_settings) + b"=" * (-len(http2_settings) % 4)
            payload = base64.b64decode(padded, altchars=b"-_", validate=True)
        except ValueError:
            raise ValueError("invalid HTTP2-Settings") from None
        if len(payload) % 6:
            raise ValueError("invalid HTTP2-Settings")
        try:
            self._apply_peer_settings(payload)
        except ProtocolError as error:
            raise ValueError(f"invalid HTTP2-Settings: {error.reason}") from None
        skip = {b"host", b"http2-settings", b"connection", b"upgrade", b"keep-alive",
                b"proxy-connection", b"transfer-encoding", b"te"}  # fmt: skip
        fields = [(b":method", method), (b":scheme", scheme), (b":authority", authority), (b":path", path)]
        fields += [(bytes(n).lower(), bytes(v)) for n, v in headers if bytes(n).lower() not in skip]
        request, _ = request_from_fields(1, fields)
        stream = self._open_stream(1)
        stream.delivered = True
        stream.remote_open = False
        events += (request, StreamEnded(1))
        return events

    # -- preface and dispatch -------------------------------------------------

    def _read_preface(self, buf: bytearray) -> int:
        """24 when the whole preface is in, 0 while a prefix of it; else a
        connection error (an HTTP/1 request on an h2-only port, say)."""
        if len(buf) < len(F.PREFACE):
            if F.PREFACE.startswith(buf):
                return 0
        elif buf.startswith(F.PREFACE):
            self._preface_done = True
            return len(F.PREFACE)
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "invalid connection preface")

    def _dispatch(self, view: memoryview, words: list[int]) -> None:
        handlers = self._HANDLERS
        for i in range(0, len(words), 4):
            offset, length, stream_id, type_flags = words[i : i + 4]
            frame_type = type_flags & 0xFF
            if not self._settings_seen:
                if frame_type != F.SETTINGS or type_flags >> 8 & F.FLAG_ACK:
                    raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "the preface must start with SETTINGS")
                self._settings_seen = True
            if self._block is not None and frame_type != F.CONTINUATION:
                raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "header block interrupted")
            if frame_type >= len(handlers):
                continue  # unknown frame types are ignored (§4.1)
            try:
                handlers[frame_type](self, view[offset : offset + length], type_flags >> 8, stream_id)
            except StreamError as error:
                self._stream_error(error)
            if self._closed:
                return

    def _stream_error(self, error: StreamError) -> None:
        stream = self._streams.get(error.stream_id)
        self._queue_reset(error.stream_id, error.error_code)
        if stream is not None:
            if stream.delivered:
                self._events.append(StreamReset(error.stream_id, error.error_code, False))
            self._close_stream(stream, by_us=True)
        else:
            self._remember_closed(error.stream_id, by_us=True)

    def _terminate(self, error_code: ErrorCode, reason: str) -> None:
        self._out += F.goaway_frame(self._highest_stream_id, error_code, reason.encode()[:256])
        self._closed = True
        self._events.append(ConnectionTerminated(error_code, self._highest_stream_id, b"", False))

    def _progress(self) -> None:
        """A frame that advances a request: the flood counts start over."""
        self._pings = self._settings_count = self._empty = 0

    def _count_empty(self) -> None:
        self._empty += 1
        if self._empty > self.config.max_empty_frames:
            raise ProtocolError(_CALM, "too many empty frames")

    # -- streams ----------------------------------------------------------------

    def _open_stream(self, stream_id: int) -> Stream:
        stream = Stream(stream_id, self.config.initial_window_size, self._peer_initial_window)
        self._streams[stream_id] = stream
        self._highest_stream_id = stream_id
        return stream

    def _close_stream(self, stream: Stream, by_us: bool) -> None:
        del self._streams[stream.stream_id]
        self._ready.pop(stream.stream_id, None)
        # Body bytes the application still holds are given back at once.
        if stream.unacknowledged:
            self._credit_connection(stream.unacknowledged)
        self._remember_closed(stream.stream_id, by_us)

    def _remember_closed(self, stream_id: int, by_us: bool) -> None:
        closed = self._closed_recently
        closed[stream_id] = by_us
        if len(closed) > _RECENTLY_CLOSED:
            del closed[next(iter(closed))]

    def _known_stream(self, stream_id: int, frame: str) -> Stream | None:
        """The open stream, or None for a closed one; an idle stream is a
        connection error (§5.1)."""
        stream = self._streams.get(stream_id)
        if stream is None and stream_id > self._highest_stream_id:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, f"{frame} on idle stream {stream_id}")
        return stream

    # -- frames ---------------------------------------------------------------

    def _on_data(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id == 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0")
        length = len(payload)
        if length > self._recv_window:
            raise ProtocolError(ErrorCode.FLOW_CONTROL_ERROR, "connection window exceeded")
        self._recv_window -= length
        data = _unpad(payload, flags)
        stream = self._known_stream(stream_id, "DATA")
        if stream is None or not stream.remote_open:
            self._credit_connection(length)
            if stream is None and self._closed_recently.get(stream_id):
                return  # we reset it: late frames are ignored (§5.1)
            raise StreamError(stream_id, ErrorCode.STREAM_CLOSED, "DATA after the end of the request")
        window = stream.recv_window
        if not self._local_settings_acked and self.config.initial_window_size < F.DEFAULT_WINDOW_SIZE:
            window += F.DEFAULT_WINDOW_SIZE - self.config.initial_window_size  # our SETTINGS may be in flight
        if length > window:
            self._credit_connection(length)
            raise StreamError(stream_id, ErrorCode.FLOW_CONTROL_ERROR, "stream window exceeded")
        stream.recv_window -= length
        stream.received += len(data)
        end_stream = flags & F.FLAG_END_STREAM
        if stream.content_length is not None and (
            stream.received > stream.content_length or (end_stream and stream.received != stream.content_length)
        ):
            self._credit_connection(length)
            raise StreamError(stream_id, ErrorCode.PROTOCOL_ERROR, "body length differs from content-length")
        if data:
            stream.unacknowledged += length
            self._events.append(DataReceived(stream_id, data.tobytes(), length))
            self._progress()
        elif length:
            self._release(stream, length)  # padding alone: nothing to hand over
        elif not end_stream:
            self._count_empty()
        if end_stream:
            self._remote_end(stream)

    def _remote_end(self, stream: Stream) -> None:
        stream.remote_open = False
        self._events.append(StreamEnded(stream.stream_id))
        if not stream.local_open:
            self._close_stream(stream, by_us=False)

    def _on_headers(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id == 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "HEADERS on stream 0")
        fragment = _unpad(payload, flags)
        if flags & F.FLAG_PRIORITY:
            if len(fragment) < 5:
                raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "HEADERS priority fields truncated")
            if F.unpack_uint32(fragment) & 0x7FFFFFFF == stream_id:
                flags |= _SELF_DEPENDENT  # a stream error, once the block kept HPACK in step
            fragment = fragment[5:]
        if len(fragment) > self.config.max_header_block_bytes:
            raise ProtocolError(_CALM, "header block too large")
        if flags & F.FLAG_END_HEADERS:
            self._on_header_block(stream_id, flags, fragment.tobytes())
        else:
            self._block = [stream_id, flags, [fragment.tobytes()], 0, len(fragment)]

    def _on_continuation(self, payload: memoryview, flags: int, stream_id: int) -> None:
        block = self._block
        if block is None or block[0] != stream_id:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without its HEADERS")
        block[3] += 1
        block[4] += len(payload)
        if block[3] > self.config.max_continuation_frames or block[4] > self.config.max_header_block_bytes:
            raise ProtocolError(_CALM, "CONTINUATION flood")
        if not payload:
            self._count_empty()
        block[2].append(payload.tobytes())
        if flags & F.FLAG_END_HEADERS:
            self._block = None
            self._on_header_block(stream_id, block[1], b"".join(block[2]))

    def _on_header_block(self, stream_id: int, flags: int, block: bytes) -> None:
        try:
            fields, too_large = self._decoder.decode(block, self.config.max_header_list_size)
        except HPACKError as error:
            raise ProtocolError(ErrorCode.COMPRESSION_ERROR, str(error)) from None
        end_stream = bool(flags & F.FLAG_END_STREAM)
        stream = self._streams.get(stream_id)
        if flags & _SELF_DEPENDENT and (stream is not None or stream_id > self._highest_stream_id):
            if stream is None:
                self._highest_stream_id = stream_id
            raise StreamError(stream_id, ErrorCode.PROTOCOL_ERROR, "stream depends on itself")
        if stream is not None:
            self._on_trailers(stream, fields, too_large, end_stream)
        elif stream_id <= self._highest_stream_id:
            if stream_id in self._closed_recently:
                if self._closed_recently[stream_id]:
                    return  # we reset it: late frames are ignored (§5.1)
                raise ProtocolError(ErrorCode.STREAM_CLOSED, f"HEADERS on closed stream {stream_id}")
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, f"stream id {stream_id} reused or decreasing")
        elif stream_id % 2 == 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "even stream id from a client")
        elif self._going_away:
            return  # streams newer than our GOAWAY are ignored (§6.8)
        elif len(self._streams) >= self.config.max_concurrent_streams:
            self._highest_stream_id = stream_id
            raise StreamError(stream_id, ErrorCode.REFUSED_STREAM, "too many concurrent streams")
        else:
            self._on_request(self._open_stream(stream_id), fields, too_large, end_stream)

    def _on_request(self, stream: Stream, fields, too_large: bool, end_stream: bool) -> None:
        self._progress()
        if too_large:
            # Answered here: the request never reaches the application. A body
            # still to come is declined with RST_STREAM(NO_ERROR) (§8.1).
            stream.remote_open = not end_stream
            self.send_headers(stream.stream_id, 431, end_stream=True)
            if stream.remote_open:
                self._queue_reset(stream.stream_id, ErrorCode.NO_ERROR)
                self._close_stream(stream, by_us=True)
            return
        request, stream.content_length = request_from_fields(stream.stream_id, fields)
        if end_stream and stream.content_length:
            raise StreamError(stream.stream_id, ErrorCode.PROTOCOL_ERROR, "content-length without a body")
        stream.delivered = True
        self._events.append(request)
        if end_stream:
            self._remote_end(stream)

    def _on_trailers(self, stream: Stream, fields, too_large: bool, end_stream: bool) -> None:
        if not stream.remote_open:
            raise StreamError(stream.stream_id, ErrorCode.STREAM_CLOSED, "HEADERS after the end of the request")
        if not end_stream:
            raise StreamError(stream.stream_id, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM")
        if too_large:
            raise StreamError(stream.stream_id, ErrorCode.PROTOCOL_ERROR, "trailers too large")
        trailers = trailers_from_fields(stream.stream_id, fields)
        if stream.content_length is not None and stream.received != stream.content_length:
            raise StreamError(stream.stream_id, ErrorCode.PROTOCOL_ERROR, "body length differs from content-length")
        self._events.append(TrailersReceived(stream.stream_id, trailers))
        self._remote_end(stream)

    def _on_priority(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id == 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "PRIORITY on stream 0")
        if len(payload) != 5:
            raise StreamError(stream_id, ErrorCode.FRAME_SIZE_ERROR, "PRIORITY is 5 bytes")
        if F.unpack_uint32(payload) & 0x7FFFFFFF == stream_id:
            raise StreamError(stream_id, ErrorCode.PROTOCOL_ERROR, "stream depends on itself")
        self._count_empty()  # parsed and ignored (RFC 9113 deprecates priorities)

    def _on_rst_stream(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id == 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on stream 0")
        if len(payload) != 4:
            raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "RST_STREAM is 4 bytes")
        stream = self._known_stream(stream_id, "RST_STREAM")
        if stream is None:
            return
        code = F.unpack_uint32(payload)
        if stream.local_open:
            self._rapid_resets += 1
            if self._rapid_resets > self.config.max_rapid_resets:
                raise ProtocolError(_CALM, "too many streams reset early (rapid reset)")
        self._close_stream(stream, by_us=False)
        if stream.delivered:
            self._events.append(StreamReset(stream_id, _error_code(code), True))

    def _on_settings(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id != 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "SETTINGS on a stream")
        if flags & F.FLAG_ACK:
            if payload:
                raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload")
            if not self._local_settings_acked:
                self._local_settings_acked = True
                self._decoder.max_allowed_table_size = self.config.header_table_size
            return
        if len(payload) % 6:
            raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length not a multiple of 6")
        self._settings_count += 1
        if self._settings_count > self.config.max_settings:
            raise ProtocolError(_CALM, "SETTINGS flood")
        self._apply_peer_settings(payload)
        self._queue_control(F.SETTINGS_ACK)

    def _apply_peer_settings(self, payload) -> None:
        for identifier, value in F.parse_settings(payload):
            if identifier == F.SETTINGS_HEADER_TABLE_SIZE:
                self._encoder.header_table_size = min(value, 65536)  # our table stays small
            elif identifier == F.SETTINGS_ENABLE_PUSH:
                if value > 1:
                    raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "ENABLE_PUSH not 0 or 1")
            elif identifier == F.SETTINGS_INITIAL_WINDOW_SIZE:
                if value > F.MAX_WINDOW_SIZE:
                    raise ProtocolError(ErrorCode.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE over 2^31-1")
                delta = value - self._peer_initial_window
                self._peer_initial_window = value
                for stream in self._streams.values():
                    stream.send_window += delta
                    if stream.send_window > F.MAX_WINDOW_SIZE:
                        raise ProtocolError(ErrorCode.FLOW_CONTROL_ERROR, "stream window over 2^31-1")
                    if delta > 0 and stream.pending:
                        self._ready[stream.stream_id] = stream
            elif identifier == F.SETTINGS_MAX_FRAME_SIZE:
                if not F.DEFAULT_MAX_FRAME_SIZE <= value <= F.MAX_FRAME_SIZE_LIMIT:
                    raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "MAX_FRAME_SIZE out of range")
                self._peer_max_frame_size = value

    def _on_push_promise(self, payload: memoryview, flags: int, stream_id: int) -> None:
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE from a client")

    def _on_ping(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id != 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "PING on a stream")
        if len(payload) != 8:
            raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "PING is 8 bytes")
        if flags & F.FLAG_ACK:
            return
        self._pings += 1
        if self._pings > self.config.max_pings:
            raise ProtocolError(_CALM, "PING flood")
        self._queue_control(F.ping_frame(payload.tobytes(), ack=True))

    def _on_goaway(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if stream_id != 0:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "GOAWAY on a stream")
        if len(payload) < 8:
            raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY is at least 8 bytes")
        last_stream_id, code = F.unpack_uint32_pair(payload)
        self._peer_going_away = True
        self._events.append(ConnectionTerminated(
            _error_code(code), last_stream_id & 0x7FFFFFFF, payload[8:].tobytes(), True
        ))  # fmt: skip

    def _on_window_update(self, payload: memoryview, flags: int, stream_id: int) -> None:
        if len(payload) != 4:
            raise ProtocolError(ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE is 4 bytes")
        increment = F.unpack_uint32(payload) & 0x7FFFFFFF
        if stream_id == 0:
            if increment == 0:
                raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0")
            self._send_window += increment
            if self._send_window > F.MAX_WINDOW_SIZE:
                raise ProtocolError(ErrorCode.FLOW_CONTROL_ERROR, "connection window over 2^31-1")
            return
        stream = self._known_stream(stream_id, "WINDOW_UPDATE")
        if stream is None:
            return  # closed: a late update is harmless
        if increment == 0:
            raise StreamError(stream_id, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0")
        stream.send_window += increment
        if stream.send_window > F.MAX_WINDOW_SIZE:
            raise StreamError(stream_id, ErrorCode.FLOW_CONTROL_ERROR, "stream window over 2^31-1")
        if stream.pending:
            self._ready[stream_id] = stream

    _HANDLERS = (
        _on_data, _on_headers, _on_priority, _on_rst_stream, _on_settings,
        _on_push_promise, _on_ping, _on_goaway, _on_window_update, _on_continuation,
    )  # fmt: skip


def _unpad(payload: memoryview, flags: int) -> memoryview:
    if not flags & F.FLAG_PADDED:
        return payload
    if not payload or payload[0] >= len(payload):
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "padding longer than the payload")
    return payload[1 : len(payload) - payload[0]]


def _error_code(code: int) -> ErrorCode | int:
    try:
        return ErrorCode(code)
    except ValueError:
        return code  # unknown codes are kept as numbers (§7)
