"""saltare_core.encoding benchmarks (pytest-benchmark; not in testpaths).

    pytest --benchmark-only packages/saltare-core/bench/test_bench_encoding.py

Anchors in the same run:
- negotiation: Starlette's GZipMiddleware test (`"gzip" in accept_encoding`
  on the decoded str), the least a server can do;
- compression: `gzip.compress` at level 9 (Starlette GZipMiddleware's
  default) and 6 (zlib's default), one-shot over the whole body;
- decompression: each codec's own one-shot decoder, unbounded.
"""

import gzip
import json
import random

import brotli
import pytest
import zstandard
from saltare_core.encoding import Compression, Decompression, Negotiator

# Typical Accept-Encoding values: Chrome/Edge (and Firefox 126+), Safari,
# curl --compressed (built with brotli and zstd), python-requests, and one
# with explicit q-values.
ACCEPT_ENCODINGS = [
    b"gzip, deflate, br, zstd",
    b"gzip, deflate, br",
    b"deflate, gzip, br, zstd",
    b"gzip, deflate",
    b"br;q=1.0, gzip;q=0.8, *;q=0.1",
]
CODINGS = ("br", "zstd", "gzip")
CHUNK = 16 * 1024


def json_body(size=100 * 1024):
    """A deterministic API-like JSON array of about `size` bytes."""
    rnd = random.Random(7)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    items = []
    total = 0
    while total < size:
        item = json.dumps(
            {
                "id": len(items),
                "name": " ".join(rnd.choice(words) for _ in range(3)),
                "price": round(rnd.uniform(1, 500), 2),
                "tags": rnd.sample(words, 3),
                "active": rnd.random() < 0.5,
                "sku": f"{rnd.getrandbits(32):08x}",
            }
        )
        items.append(item)
        total += len(item) + 2
    return ("[" + ", ".join(items) + "]").encode()[:size]


BODY = json_body()


def select_all(select):
    for value in ACCEPT_ENCODINGS:
        select(value)


@pytest.mark.benchmark(group="negotiate 5 values")
def test_anchor_substring_check(benchmark):
    # Starlette tests the str its Headers decoded; the decoding is not counted.
    values = [value.decode("latin-1") for value in ACCEPT_ENCODINGS]

    def check_all():
        for value in values:
            "gzip" in value  # noqa: B015 - the test itself is what is measured

    benchmark(check_all)


@pytest.mark.benchmark(group="negotiate 5 values")
def test_negotiator_cached(benchmark):
    benchmark(select_all, Negotiator(CODINGS).select)


@pytest.mark.benchmark(group="negotiate 5 values")
def test_negotiator_uncached(benchmark):
    benchmark(select_all, Negotiator(CODINGS, cache_size=0).select)


@pytest.mark.benchmark(group="negotiate 5 values")
def test_compression_select_cached(benchmark):
    compression = Compression(CODINGS)
    benchmark(select_all, lambda value: compression.select(value, b"application/json", len(BODY)))


def stream(compressor):
    out = [compressor.compress(BODY[i : i + CHUNK]) for i in range(0, len(BODY), CHUNK)]
    out.append(compressor.finish())
    return b"".join(out)


@pytest.mark.benchmark(group="compress 100 KiB JSON")
@pytest.mark.parametrize("level", [9, 6])
def test_anchor_gzip_compress(benchmark, level):
    out = benchmark(gzip.compress, BODY, level)
    benchmark.extra_info["ratio"] = round(len(BODY) / len(out), 2)


@pytest.mark.benchmark(group="compress 100 KiB JSON")
@pytest.mark.parametrize("coding", CODINGS)
def test_streaming_compressor(benchmark, coding):
    compression = Compression((coding,))
    out = benchmark(lambda: stream(compression.compressor(coding)))
    benchmark.extra_info["ratio"] = round(len(BODY) / len(out), 2)


@pytest.mark.benchmark(group="compressor set-up")
@pytest.mark.parametrize("coding", CODINGS)
def test_new_compressor(benchmark, coding):
    benchmark(Compression((coding,)).compressor, coding)


def one_shot_decoder(coding):
    if coding == "gzip":
        return gzip.decompress
    if coding == "br":
        return brotli.decompress
    return zstandard.ZstdDecompressor().decompress


def compressed_body(coding):
    compressor = Compression((coding,)).compressor(coding, len(BODY))
    return compressor.compress(BODY) + compressor.finish()


@pytest.mark.benchmark(group="decompress 100 KiB JSON")
@pytest.mark.parametrize("coding", CODINGS)
def test_anchor_one_shot_decode(benchmark, coding):
    data = compressed_body(coding)
    assert benchmark(one_shot_decoder(coding), data) == BODY


@pytest.mark.benchmark(group="decompress 100 KiB JSON")
@pytest.mark.parametrize("coding", CODINGS)
def test_bounded_decoder(benchmark, coding):
    data = compressed_body(coding)
    decompression = Decompression((coding,), max_size=10 * 1024 * 1024)

    def decode():
        decoder = decompression.open(coding)
        out = [decoder.decompress(data[i : i + CHUNK]) for i in range(0, len(data), CHUNK)]
        out.append(decoder.finish())
        return b"".join(out)

    assert benchmark(decode) == BODY
