"""What `ServerConnection.receive_data` returns: one event per message or control frame."""

from typing import NamedTuple


class TextMessage(NamedTuple):
    """A complete text message, fragments joined, UTF-8 checked and decoded."""

    data: str


class BytesMessage(NamedTuple):
    """A complete binary message, fragments joined."""

    data: bytes


class Ping(NamedTuple):
    """The peer pinged; the pong is already queued when `Config.auto_pong` is on."""

    payload: bytes


class Pong(NamedTuple):
    """The peer answered a ping (or sent an unsolicited pong)."""

    payload: bytes


class CloseConnection(NamedTuple):
    """The peer closed (its close frame is already echoed), or the transport
    ended without a close frame (code 1006). No event follows."""

    code: int
    reason: str


class ConnectionFailed(NamedTuple):
    """The peer broke the protocol: a close frame with `code` is queued in
    `data_to_send()`; close the transport after writing it. No event follows."""

    code: int
    reason: str
