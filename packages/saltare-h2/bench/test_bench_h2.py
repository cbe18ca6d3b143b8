"""saltare_h2 vs h2's connection object (the anchor), same input, same run.

    pytest --benchmark-only packages/saltare-h2/bench
"""

import struct

import h2.config
import h2.connection
import h2.settings
import pytest
from hpack import Decoder as HpackDecoder
from hpack import Encoder

from saltare_h2 import PREFACE, H2Config, _pybackend
from saltare_h2._hpack import Decoder

try:
    from saltare_h2 import _cbackend
except ImportError:  # C backend not built: its rows are skipped
    _cbackend = None

BACKENDS = [pytest.param(_cbackend, id="c", marks=pytest.mark.skipif(_cbackend is None, reason="no C")),
            pytest.param(_pybackend, id="python")]  # fmt: skip

REQUEST = [
    (":method", "GET"), (":scheme", "https"), (":authority", "www.example.com"), (":path", "/api/v1/items?page=2&sort=desc"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"),
    ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
    ("accept-language", "en-US,en;q=0.9,de;q=0.8"), ("accept-encoding", "gzip, deflate, br"),
    ("cookie", "session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark; consent=yes"),
    ("referer", "https://www.example.com/items"),
]  # fmt: skip


def frame(frame_type, flags, stream_id, payload=b""):
    return struct.pack(">HBBBL", len(payload) >> 8, len(payload) & 0xFF, frame_type, flags, stream_id) + payload


COLD_BLOCK = Encoder().encode(REQUEST)  # a first request: literals, Huffman
_warm_encoder = Encoder()
_warm_encoder.encode(REQUEST)
WARM_BLOCK = _warm_encoder.encode(REQUEST)  # the next one: all indexed


@pytest.mark.parametrize("backend", BACKENDS)
def test_hpack_cold_saltare(benchmark, backend):
    benchmark.group = "decode request headers, cold table"
    benchmark(lambda: Decoder(backend.huffman_decode).decode(COLD_BLOCK, 65536))


def test_hpack_cold_hpack(benchmark):
    benchmark.group = "decode request headers, cold table"
    benchmark(lambda: HpackDecoder().decode(COLD_BLOCK, raw=True))




@pytest.mark.parametrize("backend", BACKENDS)
def test_hpack_warm_saltare(benchmark, backend):
    benchmark.group = "decode request headers, warm table"
    decoder = Decoder(backend.huffman_decode)
    decoder.decode(COLD_BLOCK, 65536)
    benchmark(decoder.decode, WARM_BLOCK, 65536)


def test_hpack_warm_hpack(benchmark):
    benchmark.group = "decode request headers, warm table"
    decoder = HpackDecoder()
    decoder.decode(COLD_BLOCK, raw=True)
    benchmark(decoder.decode, WARM_BLOCK, True)


HEADERS_BLOCK = Encoder().encode([(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/up")])
SETTINGS = frame(4, 0, 0)


def burst(frame_size: int) -> bytes:
    """64 KiB of DATA on stream 1 in frames of frame_size bytes."""
    return frame(0, 0, 1, bytes(frame_size)) * (65536 // frame_size)


BURSTS = [pytest.param(16384, id="4x16KiB"), pytest.param(1024, id="64x1KiB"), pytest.param(128, id="512x128B")]


WINDOW = 1 << 20  # both sides take the whole burst within their windows
CONFIG = H2Config(initial_window_size=WINDOW, connection_window_size=WINDOW)


def saltare_connection(backend):
    conn = backend.H2Connection(CONFIG)
    conn.receive_data(PREFACE + SETTINGS + frame(1, 4, 1, HEADERS_BLOCK))
    conn.data_to_send()
    return conn


def h2_connection():
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))
    conn.local_settings = h2.settings.Settings(client=False, initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: WINDOW})
    conn.initiate_connection()
    conn.increment_flow_control_window(WINDOW - 65535)
    conn.receive_data(PREFACE + SETTINGS + frame(1, 4, 1, HEADERS_BLOCK))
    conn.data_to_send()
    return conn


@pytest.mark.parametrize("size", BURSTS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_data_burst_saltare(benchmark, backend, size):
    benchmark.group = f"64 KiB DATA burst, frames of {size} B"
    data = burst(size)

    def run():
        conn = saltare_connection(backend)  # a fresh window for each burst
        conn.receive_data(data)

    benchmark(run)


@pytest.mark.parametrize("size", BURSTS)
def test_data_burst_h2(benchmark, size):
    benchmark.group = f"64 KiB DATA burst, frames of {size} B"
    data = burst(size)

    def run():
        conn = h2_connection()
        conn.receive_data(data)

    benchmark(run)


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_setup_saltare(benchmark, backend):
    benchmark.group = "connection setup + one request (subtracted above)"
    benchmark(saltare_connection, backend)


def test_connection_setup_h2(benchmark):
    benchmark.group = "connection setup + one request (subtracted above)"
    benchmark(h2_connection)
