"""Request side: bounded decoding. Round trips against the codecs' own
encoders, zip bombs stopped at `max_size` with 413 while memory stays near
the cap, corrupt / truncated / trailing data refused with 400, unsupported
codings with 415."""

import gzip
import tracemalloc

import brotli
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st
from saltare_core import _encoding_brotli
from saltare_core.encoding import Compression, Decompression, DecompressionError

ALL = ("gzip", "br", "zstd")
MiB = 1024 * 1024


def encode(coding, data):
    """The codec's reference encoder, independent of saltare's compressors."""
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "br":
        return brotli.compress(data)
    return zstandard.ZstdCompressor().compress(data)


def feed(decoder, data, chunk_size):
    out = b"".join(decoder.decompress(data[i : i + chunk_size]) for i in range(0, len(data), chunk_size))
    return out + decoder.finish()


@pytest.fixture(scope="module")
def decompression():
    return Decompression(ALL, max_size=MiB)


@pytest.fixture(scope="module")
def bombs():
    """64 MiB of zeros per coding, at each codec's densest setting: gzip
    ~64 KiB (1000:1), br ~100 B, zstd ~2 KiB."""
    zeros = bytes(64 * MiB)
    return {
        "gzip": gzip.compress(zeros, compresslevel=9),
        "br": brotli.compress(zeros, quality=5),
        "zstd": zstandard.ZstdCompressor(level=3).compress(zeros),
    }


@pytest.mark.parametrize("coding", ALL)
@settings(max_examples=20, deadline=None)
@given(body=st.binary(max_size=5000) | st.just(b"abc" * 20000), chunk_size=st.integers(1, 70000))
def test_round_trip_in_any_chunking(decompression, coding, body, chunk_size):
    assert feed(decompression.open(coding), encode(coding, body), chunk_size) == body


@pytest.mark.parametrize("coding", ALL)
def test_round_trip_of_saltare_compressors(decompression, coding):
    body = b'{"k": "value"}' * 5000
    compressor = Compression((coding,)).compressor(coding)
    data = compressor.compress(body) + compressor.flush() + compressor.compress(body) + compressor.finish()
    assert feed(decompression.open(coding), data, 1000) == body * 2


@pytest.mark.parametrize("coding", ALL)
def test_a_body_of_exactly_max_size_passes_one_more_byte_does_not(coding):
    decompression = Decompression((coding,), max_size=100_000)
    body = bytes(range(256)) * 390 + b"x" * 160
    assert len(body) == 100_000
    assert feed(decompression.open(coding), encode(coding, body), 4096) == body
    with pytest.raises(DecompressionError) as info:
        feed(decompression.open(coding), encode(coding, body + b"y"), 4096)
    assert info.value.status == 413


@pytest.mark.parametrize("coding", ALL)
def test_a_zip_bomb_is_refused_with_413_and_memory_stays_near_the_cap(decompression, bombs, coding):
    decoder = decompression.open(coding)
    data = bombs[coding]
    returned = 0
    tracemalloc.start()
    try:
        with pytest.raises(DecompressionError) as info:
            for i in range(0, len(data), 16384):
                returned += len(decoder.decompress(data[i : i + 16384]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.status == 413
    assert "1048576" in info.value.reason
    assert returned <= MiB
    # The decoded pieces plus their join (2x the cap) and one step past it;
    # the bomb would have been 64 MiB.
    assert peak < 3 * MiB


@pytest.mark.parametrize("coding", ALL)
def test_a_bomb_fed_in_one_piece_is_refused_too(decompression, bombs, coding):
    with pytest.raises(DecompressionError) as info:
        decompression.open(coding).decompress(bombs[coding])
    assert info.value.status == 413


@pytest.mark.parametrize("coding", ALL)
def test_a_truncated_body_is_refused_at_finish(decompression, coding):
    data = encode(coding, b"hello world " * 1000)
    decoder = decompression.open(coding)
    decoder.decompress(data[: len(data) // 2])
    with pytest.raises(DecompressionError) as info:
        decoder.finish()
    assert info.value.status == 400
    assert "truncated" in info.value.reason


@pytest.mark.parametrize("coding", ALL)
def test_an_empty_body_is_truncated(decompression, coding):
    decoder = decompression.open(coding)
    assert decoder.decompress(b"") == b""
    with pytest.raises(DecompressionError) as info:
        decoder.finish()
    assert info.value.status == 400


@pytest.mark.parametrize("coding", ALL)
@pytest.mark.parametrize("garbage", [b"not compressed at all", bytes(64), b"\xff" * 100])
def test_garbage_is_refused_with_400(decompression, coding, garbage):
    with pytest.raises(DecompressionError) as info:
        feed(decompression.open(coding), garbage, 7)
    assert info.value.status == 400


@pytest.mark.parametrize("coding", ALL)
def test_trailing_garbage_is_refused_with_400(decompression, coding):
    with pytest.raises(DecompressionError) as info:
        feed(decompression.open(coding), encode(coding, b"payload") + b"trailing", 5)
    assert info.value.status == 400


@pytest.mark.parametrize("coding", ("gzip", "zstd"))
def test_concatenated_members_or_frames_are_one_body(decompression, coding):
    data = encode(coding, b"first ") + encode(coding, b"second")
    for chunk_size in (1, 3, len(data)):
        assert feed(decompression.open(coding), data, chunk_size) == b"first second"


def test_the_cap_counts_across_members(bombs):
    decompression = Decompression(("gzip",), max_size=1000)
    decoder = decompression.open("gzip")
    decoder.decompress(gzip.compress(b"a" * 600))
    with pytest.raises(DecompressionError) as info:
        decoder.decompress(gzip.compress(b"b" * 600))
    assert info.value.status == 413


def test_zstd_windows_over_8_mib_are_refused(decompression):
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=24)
    # Streamed (size unknown), so zstd keeps the 16 MiB window in the frame header.
    frame = zstandard.ZstdCompressor(compression_params=params).compressobj()
    data = frame.compress(b"x" * 100) + frame.flush()
    with pytest.raises(DecompressionError) as info:
        feed(decompression.open("zstd"), data, 1000)
    assert info.value.status == 400


@pytest.mark.parametrize("content_encoding", [b"deflate", b"compress", b"gzip, br", b"br;q=1", "unknown"])
def test_unsupported_codings_get_415(decompression, content_encoding):
    with pytest.raises(DecompressionError) as info:
        decompression.open(content_encoding)
    assert info.value.status == 415


def test_a_coding_not_enabled_gets_415():
    with pytest.raises(DecompressionError) as info:
        Decompression(("gzip",)).open(b"br")
    assert info.value.status == 415


@pytest.mark.parametrize("content_encoding", [b"GZIP", b" gzip ", "x-gzip", b"X-Gzip"])
def test_coding_names_are_case_insensitive_and_x_gzip_is_gzip(decompression, content_encoding):
    assert feed(decompression.open(content_encoding), gzip.compress(b"body"), 10) == b"body"


@pytest.mark.parametrize("content_encoding", [None, b"", b"identity", "Identity"])
def test_identity_passes_through_under_the_same_cap(content_encoding):
    decoder = Decompression(max_size=10).open(content_encoding)
    assert decoder.decompress(b"0123456789") == b"0123456789"
    with pytest.raises(DecompressionError) as info:
        decoder.decompress(b"!")
    assert info.value.status == 413
    assert decoder.finish() == b""


def test_unbounded_brotli_is_refused_at_construction(monkeypatch):
    monkeypatch.setattr(_encoding_brotli, "BOUNDED_DECODING", False)
    with pytest.raises(ImportError, match="brotli >= 1.2"):
        Decompression(("br",))


def test_settings_are_checked():
    assert Decompression().codings == ("gzip",)
    with pytest.raises(ValueError):
        Decompression(max_size=-1)
    with pytest.raises(ValueError, match="deflate"):
        Decompression(("deflate",))


def test_the_error_carries_status_and_reason():
    error = DecompressionError(413, "too big")
    assert (error.status, error.reason, str(error)) == (413, "too big", "413 too big")
