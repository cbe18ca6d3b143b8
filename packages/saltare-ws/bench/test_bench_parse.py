"""Parse + unmask of masked client frames, and UTF-8 validation of a 1 MiB
text, against wsproto and the websockets library (its C speedups loaded).

    pytest --benchmark-only packages/saltare-ws/bench
"""

import codecs
import os

import pytest
import websockets.speedups
import wsproto.events as wse
from websockets.protocol import State
from websockets.server import ServerProtocol
from wsproto import ConnectionType, WSConnection

from saltare_ws import Config, _pybackend

try:
    from saltare_ws import _cbackend
except ImportError:
    _cbackend = None

KEY = b"\x37\xfa\x21\x3d"
SIZES = {"125B": 125, "64KiB": 64 * 1024, "1MiB": 1024 * 1024}
CONFIG = Config(max_message_size=1 << 30)
TEXT_1MIB = ("héllo wörld, plain ASCII runs and € 😀 " * 30000).encode()[: 1 << 20].decode("utf-8", "ignore")


def masked_frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + KEY + websockets.speedups.apply_mask(payload, KEY)


def wsproto_server() -> WSConnection:
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    next(server.events())
    server.send(wse.AcceptConnection())
    return server


def parsers():
    """name -> function(frame bytes) -> the message's payload, one connection each."""
    ours = {"saltare-c": _cbackend, "saltare-python": _pybackend}
    found = {}
    for name, backend in ours.items():
        if backend is not None:
            conn = backend.ServerConnection(CONFIG)
            found[name] = lambda frame, conn=conn: conn.receive_data(frame)[0].data
    server = wsproto_server()

    def wsproto_parse(frame):
        server.receive_data(frame)
        parts = [event.data for event in server.events()]
        return type(parts[0])().join(parts)

    found["wsproto"] = wsproto_parse
    protocol = ServerProtocol(state=State.OPEN, max_size=None)

    def websockets_parse(frame):
        protocol.receive_data(frame)
        return protocol.events_received()[0].data

    found["websockets"] = websockets_parse
    return found


PARSERS = parsers()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("parser", list(PARSERS))
def test_parse_and_unmask_binary_frame(benchmark, parser, size):
    payload = os.urandom(SIZES[size])
    frame = masked_frame(2, payload)
    benchmark.group = f"parse+unmask {size}"
    assert benchmark(PARSERS[parser], frame) == payload


@pytest.mark.parametrize("parser", list(PARSERS))
def test_parse_100_small_frames_in_one_read(benchmark, parser):
    payload = os.urandom(125)
    frames = masked_frame(2, payload) * 100
    benchmark.group = "parse+unmask 100 x 125B in one read"
    parse = BATCH_PARSERS[parser]
    assert benchmark(parse, frames) == 100


def batch_parsers():
    """name -> function(bytes of many frames) -> number of messages."""
    found = {}
    for name, backend in (("saltare-c", _cbackend), ("saltare-python", _pybackend)):
        if backend is not None:
            conn = backend.ServerConnection(CONFIG)
            found[name] = lambda data, conn=conn: len(conn.receive_data(data))
    server = wsproto_server()

    def wsproto_parse(data):
        server.receive_data(data)
        return len(list(server.events()))

    found["wsproto"] = wsproto_parse
    protocol = ServerProtocol(state=State.OPEN, max_size=None)

    def websockets_parse(data):
        protocol.receive_data(data)
        return len(protocol.events_received())

    found["websockets"] = websockets_parse
    return found


BATCH_PARSERS = batch_parsers()


@pytest.mark.parametrize("parser", list(PARSERS))
def test_parse_1mib_text_frame(benchmark, parser):
    frame = masked_frame(1, TEXT_1MIB.encode())
    benchmark.group = "parse+unmask+UTF-8 1MiB text"
    result = benchmark(PARSERS[parser], frame)
    # saltare and wsproto validate and decode to str; websockets' sans-IO layer
    # hands over the frame's bytes (its connection layer decodes later).
    assert result == (TEXT_1MIB.encode() if parser == "websockets" else TEXT_1MIB)


def unmaskers():
    found = {"websockets-speedups": websockets.speedups.apply_mask, "saltare-python": _pybackend.apply_mask}
    if _cbackend is not None:
        found["saltare-c"] = _cbackend.apply_mask
    return found


UNMASKERS = unmaskers()


@pytest.mark.parametrize("size", list(SIZES))
def test_unmask_in_place_saltare_c(benchmark, size):
    if _cbackend is None:
        pytest.skip("C backend not built")
    buf = bytearray(os.urandom(SIZES[size]))
    benchmark.group = f"unmask {size}"
    benchmark(_cbackend.mask_in_place, buf, KEY)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("unmasker", list(UNMASKERS))
def test_unmask(benchmark, unmasker, size):
    payload = os.urandom(SIZES[size])
    benchmark.group = f"unmask {size}"
    assert benchmark(UNMASKERS[unmasker], payload, KEY) == websockets.speedups.apply_mask(payload, KEY)


def validators():
    data = TEXT_1MIB.encode()
    found = {}
    for name, backend in (("saltare-c", _cbackend), ("saltare-python", _pybackend)):
        if backend is not None:
            found[name] = lambda backend=backend: backend.Utf8Validator().feed(data)
    # wsproto validates text with an incremental decoder; websockets decodes
    # a whole message with bytes.decode (its incremental decoder is for fragments).
    found["wsproto"] = lambda: bool(codecs.getincrementaldecoder("utf-8")().decode(data, False))
    found["websockets"] = lambda: bool(data.decode())
    return found


VALIDATORS = validators()


@pytest.mark.parametrize("validator", list(VALIDATORS))
def test_utf8_validate_1mib(benchmark, validator):
    benchmark.group = "UTF-8 validation 1MiB"
    assert benchmark(VALIDATORS[validator])

