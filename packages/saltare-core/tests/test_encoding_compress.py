"""Response side: the compressible-type test, Compression.select, and the
streaming compressors, checked by decoding their output with the codecs'
own one-shot decoders (stdlib gzip, brotli, zstandard)."""

import gzip
import zlib

import brotli
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st
from saltare_core.encoding import DEFAULT_MIN_SIZE, Compression, is_compressible

ALL = ("br", "zstd", "gzip")
JSON = b'{"id": 1, "name": "alpha bravo", "tags": ["x", "y"], "active": true}, ' * 200


def decode(coding, data):
    """The codec's reference decoder, independent of saltare's decoders."""
    if coding == "gzip":
        return gzip.decompress(data)
    if coding == "br":
        return brotli.decompress(data)
    reader = zstandard.ZstdDecompressor().decompressobj()
    return reader.decompress(data)


def stream_prefix(coding):
    """A decoder that returns what it can from an unfinished stream."""
    if coding == "gzip":
        inflate = zlib.decompressobj(31)
        return inflate.decompress
    if coding == "br":
        return brotli.Decompressor().process
    return zstandard.ZstdDecompressor().decompressobj().decompress


@pytest.fixture(scope="module")
def compression():
    return Compression(ALL)


@pytest.mark.parametrize(
    "content_type",
    [
        b"text/html; charset=utf-8",
        b"text/plain",
        "text/css",
        b"TEXT/JAVASCRIPT",
        b"application/json",
        b"application/problem+json",
        b"application/ld+json",
        b"application/atom+xml",
        b"application/xml",
        b"image/svg+xml",
        b"application/javascript",
        b"application/wasm",
        b"application/x-ndjson",
        b"font/ttf",
        b"  application/json ;charset=utf-8",
    ],
)
def test_text_like_types_are_compressible(content_type):
    assert is_compressible(content_type)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        b"",
        b"image/png",
        b"image/jpeg",
        b"image/webp",
        b"video/mp4",
        b"audio/mpeg",
        b"font/woff2",
        b"application/zip",
        b"application/gzip",
        b"application/octet-stream",
        b"application/pdf",
        b"text/event-stream",
        b"multipart/form-data; boundary=x",
        b"application/jsonx",
        b"json",
    ],
)
def test_opaque_or_streamed_types_are_not(content_type):
    assert not is_compressible(content_type)


def test_select_checks_size_and_type_before_negotiating(compression):
    accept = b"gzip, deflate, br, zstd"
    assert compression.select(accept, b"application/json", 10_000) == "br"
    assert compression.select(accept, b"application/json") == "br"  # size unknown (streamed)
    assert compression.select(accept, b"application/json", DEFAULT_MIN_SIZE) == "br"
    assert compression.select(accept, b"application/json", DEFAULT_MIN_SIZE - 1) is None
    assert compression.select(accept, b"image/png", 10_000) is None
    assert compression.select(accept, None, 10_000) is None
    assert compression.select(None, b"text/html", 10_000) is None
    assert compression.select(b"identity", b"text/html", 10_000) is None
    assert compression.select(b"*;q=0", b"text/html", 10_000) is None
    assert compression.select(b"gzip", b"text/html", 10_000) == "gzip"


def test_only_gzip_is_enabled_by_default():
    compression = Compression()
    assert compression.codings == ("gzip",)
    assert compression.select(b"br, gzip", b"text/html") == "gzip"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"codings": ("gzip", "deflate")}, "deflate"),
        ({"codings": ("gzip",), "levels": {"br": 5}}, "not enabled"),
        ({"codings": ("gzip",), "levels": {"gzip": 10}}, "gzip level"),
        ({"codings": ("gzip",), "window_logs": {"gzip": 16}}, "gzip window_log"),
        ({"codings": ("br",), "levels": {"br": 12}}, "brotli quality"),
        ({"codings": ("br",), "window_logs": {"br": 9}}, "brotli window_log"),
        ({"codings": ("zstd",), "levels": {"zstd": 0}}, "zstd level"),
        ({"codings": ("zstd",), "window_logs": {"zstd": 24}}, "zstd window_log"),
        ({"codings": ("gzip",), "min_size": -1}, "min_size"),
    ],
)
def test_bad_settings_are_refused_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Compression(**kwargs)


@pytest.mark.parametrize("coding", ALL)
def test_one_shot_body_round_trips_and_shrinks(compression, coding):
    compressor = compression.compressor(coding)
    assert compressor.coding == coding
    out = compressor.compress(JSON) + compressor.finish()
    assert decode(coding, out) == JSON
    assert len(out) < len(JSON) // 10


@pytest.mark.parametrize("coding", ALL)
def test_an_empty_body_is_a_valid_stream(compression, coding):
    assert decode(coding, compression.compressor(coding).finish()) == b""


@pytest.mark.parametrize("coding", ALL)
@settings(max_examples=25, deadline=None)
@given(chunks=st.lists(st.binary(max_size=3000) | st.sampled_from([JSON[:1000], b"a" * 5000]), max_size=8))
def test_chunked_body_round_trips(compression, coding, chunks):
    compressor = compression.compressor(coding)
    out = b"".join(compressor.compress(chunk) for chunk in chunks) + compressor.finish()
    assert decode(coding, out) == b"".join(chunks)


@pytest.mark.parametrize("coding", ALL)
def test_flush_makes_everything_sent_so_far_decodable(compression, coding):
    compressor = compression.compressor(coding)
    feed = stream_prefix(coding)
    events = [b"data: %d %s\n\n" % (n, b"x" * n) for n in range(20)]
    received = b""
    for event in events:
        received += feed(compressor.compress(event) + compressor.flush())
        assert received.endswith(event)
    received += feed(compressor.finish())
    assert received == b"".join(events)


@pytest.mark.parametrize("size", [0, 1000, 1 << 19, (1 << 19) + 1])
def test_zstd_records_an_exact_size_hint(compression, size):
    body = (JSON * (size // len(JSON) + 1))[:size]
    compressor = compression.compressor("zstd", size)
    out = compressor.compress(body) + compressor.finish()
    assert zstandard.frame_content_size(out) == size
    assert decode("zstd", out) == body


@pytest.mark.parametrize("coding", ("gzip", "br"))
def test_size_hint_is_accepted_and_ignored_by_other_codings(compression, coding):
    compressor = compression.compressor(coding, len(JSON))
    assert decode(coding, compressor.compress(JSON) + compressor.finish()) == JSON


def test_levels_and_windows_are_applied():
    fast = Compression(("gzip",), levels={"gzip": 1})
    small = Compression(("gzip",), levels={"gzip": 9})
    compressed = {}
    for name, compression in (("fast", fast), ("small", small)):
        compressor = compression.compressor("gzip")
        compressed[name] = compressor.compress(JSON) + compressor.finish()
    assert len(compressed["small"]) < len(compressed["fast"])
    assert gzip.decompress(compressed["fast"]) == gzip.decompress(compressed["small"]) == JSON


def test_compressors_are_independent(compression):
    first = compression.compressor("zstd")
    second = compression.compressor("zstd")
    a = first.compress(b"first " * 100)
    b = second.compress(b"second " * 100)
    assert decode("zstd", a + first.finish()) == b"first " * 100
    assert decode("zstd", b + second.finish()) == b"second " * 100
