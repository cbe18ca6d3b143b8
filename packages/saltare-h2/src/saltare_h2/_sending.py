"""The sending half of a connection: the application's calls (response heads,
body, trailers, resets, flow-control acknowledgements, GOAWAY) and the
scheduler that frames queued body data into the peer's windows.

Body data waits in its stream until both windows allow it; `data_to_send()`
frames it round-robin, one frame per stream per turn, so concurrent
responses interleave fairly and none is dropped.
"""

from hpack import Encoder

from . import _frames as F
from ._headers import response_fields, trailer_fields
from ._stream import Stream
from .errors import ErrorCode, StreamClosedError


class Sender:
    """State shared with the receiving half (set up by H2Connection.__init__)."""

    __slots__ = ()

    def _init_sending(self) -> None:
        self._out = bytearray()
        self._queued_control = 0  # control frames owed to the peer since the last data_to_send()
        self._encoder = Encoder()
        self._send_window = F.DEFAULT_WINDOW_SIZE  # the peer's connection window
        self._peer_initial_window = F.DEFAULT_WINDOW_SIZE
        self._peer_max_frame_size = F.DEFAULT_MAX_FRAME_SIZE
        self._ready: dict[int, Stream] = {}  # streams with something queued, in turn order
        self._conn_unannounced = 0

    # -- response API -------------------------------------------------------

    def send_headers(self, stream_id: int, status: int, headers=(), end_stream: bool = False) -> None:
        """The response head: `:status` first, then `headers` ((name, value)
        bytes pairs; names are lower-cased and hop-by-hop fields dropped).
        1xx heads may precede the final one."""
        stream = self._sendable(stream_id)
        if stream.headers_sent:
            raise StreamClosedError(f"stream {stream_id}: the response head was sent already")
        fields = response_fields(status, headers)
        end_stream = end_stream and status >= 200
        self._write_header_block(stream_id, fields, end_stream)
        if status >= 200:
            stream.headers_sent = True
        if end_stream:
            self._local_end(stream)

    def send_data(self, stream_id: int, data: bytes, end_stream: bool = False) -> None:
        """Queues body bytes; they leave in `data_to_send()` as the windows
        allow. `outbound_buffered(stream_id)` tells how much still waits."""
        stream = self._sendable(stream_id)
        if not stream.headers_sent or stream.end_queued:
            raise StreamClosedError(f"stream {stream_id}: no response head, or the body has ended")
        if data:
            stream.chunks.append(bytes(data))
            stream.buffered += len(data)
        stream.end_queued = end_stream
        if stream.pending:
            self._ready[stream_id] = stream

    def send_trailers(self, stream_id: int, headers) -> None:
        """Trailer fields, sent after the queued body; they end the stream."""
        stream = self._sendable(stream_id)
        if not stream.headers_sent or stream.end_queued:
            raise StreamClosedError(f"stream {stream_id}: no response head, or the body has ended")
        stream.trailers = trailer_fields(headers)
        stream.end_queued = True
        self._ready[stream_id] = stream

    def send_response(self, stream_id: int, status: int, headers=(), body=b"", trailers=None) -> None:
        """A whole response at once (the transcoder from an ASGI response):
        the head, the body (bytes or an iterable of chunks), then trailers."""
        chunks = [body] if isinstance(body, (bytes, bytearray, memoryview)) else list(body)
        chunks = [chunk for chunk in chunks if chunk]
        self.send_headers(stream_id, status, headers, end_stream=not chunks and trailers is None)
        if not chunks and trailers is None:
            return
        for chunk in chunks[:-1]:
            self.send_data(stream_id, chunk)
        self.send_data(stream_id, chunks[-1] if chunks else b"", end_stream=trailers is None)
        if trailers is not None:
            self.send_trailers(stream_id, trailers)

    def reset(self, stream_id: int, error_code: ErrorCode = ErrorCode.CANCEL) -> None:
        """Abandons a stream (RST_STREAM); queued data is dropped. No-op when closed."""
        stream = self._streams.get(stream_id)
        if stream is not None:
            self._queue_reset(stream_id, error_code)
            self._close_stream(stream, by_us=True)

    def outbound_buffered(self, stream_id: int) -> int:
        """Body bytes queued on the stream, waiting for the peer's windows or
        for `data_to_send()`: the server pauses the application's sends while
        this is above its high-water mark."""
        stream = self._streams.get(stream_id)
        return stream.buffered if stream is not None else 0

    def acknowledge_received_data(self, stream_id: int, size: int) -> None:
        """The application consumed `size` flow-controlled bytes of the
        stream: reopen that much window. Updates are sent once half a window
        is due, so a slow reader throttles the peer and memory stays bounded."""
        stream = self._streams.get(stream_id)
        if stream is None or size <= 0:
            return  # a closed stream's bytes were credited back when it closed
        size = min(size, stream.unacknowledged)
        stream.unacknowledged -= size
        self._release(stream, size)

    def ping(self, opaque: bytes = b"\0" * 8) -> None:
        """Sends a PING (8 bytes of opaque data), e.g. as a keep-alive probe."""
        if len(opaque) != 8:
            raise ValueError("PING data is 8 bytes")
        self._out += F.ping_frame(bytes(opaque), ack=False)

    def close(self, error_code: ErrorCode = ErrorCode.NO_ERROR, additional_data: bytes = b"") -> None:
        """GOAWAY. NO_ERROR is graceful: streams up to the last one seen go on,
        newer ones are ignored, and `should_close` turns True when the open
        streams are done. Any other code closes the connection now."""
        if self._closed:
            return
        self._out += F.goaway_frame(self._highest_stream_id, error_code, additional_data)
        self._going_away = True
        if error_code != ErrorCode.NO_ERROR:
            self._closed = True

    def data_to_send(self, amount: int | None = None) -> bytes:
        """The bytes to write to the transport: control frames, then body DATA
        framed round-robin within the windows (about `amount` bytes of it when
        given; the rest stays queued per stream, where fairness applies)."""
        self._queued_control = 0
        if self._ready and not self._closed:
            self._schedule(amount)
        out = bytes(self._out)
        self._out.clear()
        return out

    @property
    def should_close(self) -> bool:
        """True once the connection is over: after a connection error, or
        after a GOAWAY (either way) when no stream remains. Write
        `data_to_send()` first, then close the transport."""
        return self._closed or ((self._going_away or self._peer_going_away) and not self._streams)

    # -- internals ------------------------------------------------------------

    def _sendable(self, stream_id: int) -> Stream:
        stream = self._streams.get(stream_id)
        if stream is None or not stream.local_open or self._closed:
            raise StreamClosedError(f"stream {stream_id} is closed for sending")
        return stream

    def _write_header_block(self, stream_id: int, fields, end_stream: bool) -> None:
        # Encoded as it is written: the peer's decoder sees blocks in this order.
        block = self._encoder.encode(fields, huffman=True)
        self._out += F.header_block_frames(stream_id, block, end_stream, self._peer_max_frame_size)

    def _schedule(self, amount: int | None) -> None:
        budget = amount if amount is not None else -1
        ready = self._ready
        while ready and budget != 0:
            progressed = False
            for stream in list(ready.values()):
                if stream.buffered and self._send_window <= 0 < stream.send_window:
                    continue  # waits for the connection window, keeping its turn
                sent = self._send_one(stream)
                ready.pop(stream.stream_id, None)
                if sent is None:  # blocked on its own window: back when it reopens
                    continue
                progressed = True
                if stream.pending:
                    ready[stream.stream_id] = stream  # to the back of the turn
                if budget > 0:
                    budget = max(0, budget - sent)
                    if budget == 0:
                        break
            if not progressed:
                break

    def _send_one(self, stream: Stream) -> int | None:
        """Frames the stream's next DATA frame (the connection window is open),
        or its end. Returns the payload size sent (0 for an end without data),
        or None when the stream's own window is shut."""
        if stream.buffered:
            if stream.send_window <= 0:
                return None
            size = min(stream.buffered, stream.send_window, self._send_window, self._peer_max_frame_size)
            payload = stream.take(size)
            stream.send_window -= size
            self._send_window -= size
            last = not stream.buffered and stream.end_queued and stream.trailers is None
            self._out += F.frame_header(size, F.DATA, F.FLAG_END_STREAM if last else 0, stream.stream_id)
            self._out += payload
            if last:
                self._local_end(stream)
            return size
        if stream.trailers is not None:
            self._write_header_block(stream.stream_id, stream.trailers, end_stream=True)
            stream.trailers = None
        else:
            self._out += F.frame_header(0, F.DATA, F.FLAG_END_STREAM, stream.stream_id)
        self._local_end(stream)
        return 0

    def _local_end(self, stream: Stream) -> None:
        """We sent END_STREAM: the response is complete."""
        stream.local_open = False
        stream.end_queued = False
        self._ready.pop(stream.stream_id, None)
        self._rapid_resets = max(0, self._rapid_resets - 1)
        if not stream.remote_open:
            self._close_stream(stream, by_us=False)

    def _release(self, stream: Stream, size: int) -> None:
        """Reopens `size` bytes of the stream's and the connection's windows."""
        if stream.remote_open:
            stream.unannounced += size
            if stream.unannounced >= self._stream_update_threshold:
                self._out += F.window_update_frame(stream.stream_id, stream.unannounced)
                stream.recv_window += stream.unannounced
                stream.unannounced = 0
        self._credit_connection(size)

    def _credit_connection(self, size: int) -> None:
        self._conn_unannounced += size
        if self._conn_unannounced >= self._conn_update_threshold:
            self._out += F.window_update_frame(0, self._conn_unannounced)
            self._recv_window += self._conn_unannounced
            self._conn_unannounced = 0

    def _queue_control(self, frame: bytes) -> None:
        self._out += frame
        self._queued_control += 1

    def _queue_reset(self, stream_id: int, error_code: ErrorCode) -> None:
        self._queue_control(F.rst_stream_frame(stream_id, error_code))
