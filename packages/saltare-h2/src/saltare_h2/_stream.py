"""One stream's state: which side may still send, both flow-control windows,
and the response data waiting for window.

RFC 9113 §5.1 for a server that never pushes reduces to two flags:

    state                remote_open  local_open
    open                 True         True
    half-closed (remote) False        True
    half-closed (local)  True         False
    closed               False        False     (the stream leaves the table)

idle is "not in the table, id above the highest seen"; a HEADERS frame moves
it to open, or to half-closed (remote) with END_STREAM.
"""

from collections import deque


class Stream:
    __slots__ = (
        "stream_id", "remote_open", "local_open", "headers_sent", "delivered",
        "recv_window", "unacknowledged", "unannounced", "content_length", "received",
        "send_window", "chunks", "chunk_offset", "buffered", "end_queued", "trailers",
    )  # fmt: skip

    def __init__(self, stream_id: int, recv_window: int, send_window: int) -> None:
        self.stream_id = stream_id
        self.remote_open = True
        self.local_open = True
        self.headers_sent = False  # a final (non-1xx) response head went out
        self.delivered = False  # the application was given RequestReceived
        # Inbound: what the peer may still send, bytes the application holds
        # unacknowledged, and acknowledged bytes not yet announced by WINDOW_UPDATE.
        self.recv_window = recv_window
        self.unacknowledged = 0
        self.unannounced = 0
        self.content_length: int | None = None
        self.received = 0
        # Outbound: the peer's window, then the queue it gates.
        self.send_window = send_window
        self.chunks: deque[bytes] = deque()
        self.chunk_offset = 0  # bytes of chunks[0] already framed
        self.buffered = 0
        self.end_queued = False  # END_STREAM goes after the queue
        self.trailers: list | None = None  # sent (HEADERS + END_STREAM) after the queue

    @property
    def pending(self) -> bool:
        """Something is queued to send (data, trailers or the end)."""
        return self.local_open and (self.buffered > 0 or self.end_queued)

    def take(self, n: int) -> bytes:
        """The next n queued bytes (n <= buffered), as one bytes object."""
        chunks = self.chunks
        first = chunks[0]
        offset = self.chunk_offset
        self.buffered -= n
        if len(first) - offset > n:
            self.chunk_offset = offset + n
            return first[offset : offset + n]
        parts = []
        while n:
            first = chunks[0]
            available = len(first) - offset
            if available > n:
                parts.append(first[offset : offset + n])
                self.chunk_offset = offset + n
                break
            parts.append(first[offset:] if offset else first)
            chunks.popleft()
            n -= available
            offset = 0
            self.chunk_offset = 0
        return parts[0] if len(parts) == 1 else b"".join(parts)
