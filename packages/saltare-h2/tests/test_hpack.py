"""The HPACK decoder on both Huffman backends, against `hpack`'s own decoder."""

import pytest
from hpack import Decoder as OracleDecoder
from hpack import Encoder
from hypothesis import given, settings
from hypothesis import strategies as st

from saltare_h2._hpack import Decoder
from saltare_h2.errors import HPACKError

# RFC 7541 Appendix C.4: three requests with Huffman, one dynamic table.
C4 = [
    ("828684418cf1e3c2e5f23a6ba0ab90f4ff", [(b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/"),
                                          (b":authority", b"www.example.com")]),
    ("828684be5886a8eb10649cbf", [(b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/"),
                                 (b":authority", b"www.example.com"), (b"cache-control", b"no-cache")]),
    ("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
     [(b":method", b"GET"), (b":scheme", b"https"), (b":path", b"/index.html"),
      (b":authority", b"www.example.com"), (b"custom-key", b"custom-value")]),
]  # fmt: skip


def test_rfc_7541_c4_sequence(backend):
    decoder = Decoder(backend.huffman_decode)
    for block, expected in C4:
        assert decoder.decode(bytes.fromhex(block), 65536) == (expected, False)


names = st.sampled_from([b"accept", b"user-agent", b"cookie", b"x-custom", b"accept-encoding", b"x-" + b"a" * 40])
values = st.binary(max_size=60)
header_lists = st.lists(st.lists(st.tuples(names, values), max_size=12), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(header_lists, st.booleans(), st.sampled_from([0, 256, 4096]))
def test_matches_hpack_over_a_sequence_of_blocks(backend, blocks, huffman, table_size):
    """Blocks from hpack's encoder (dynamic table in use, evictions, size
    updates) decode to what hpack's decoder gives."""
    encoder = Encoder()
    encoder.header_table_size = table_size
    ours = Decoder(backend.huffman_decode)
    oracle = OracleDecoder()
    for fields in blocks:
        block = encoder.encode(fields, huffman=huffman)
        assert ours.decode(block, 1 << 20) == (oracle.decode(block, raw=True), False)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60))
def test_garbage_fails_cleanly_like_hpack(backend, block):
    """Arbitrary bytes either decode as hpack decodes them or raise
    HPACKError. hpack is looser about integers (any size; we stop at 2^28)."""
    try:
        ours = Decoder(backend.huffman_decode).decode(block, 1 << 20)
    except HPACKError:
        return
    assert ours[0] == OracleDecoder().decode(block, raw=True)


@pytest.mark.parametrize(
    ("block", "why"),
    [
        ("80", "index 0"),
        ("ff00", "index 127: past the static table, dynamic table empty"),
        ("bf", "truncated integer"),
        ("ffffffffff0f", "integer over 2^28"),
        ("4005", "string length past the end"),
        ("8220", "size update after a field"),
        ("3fe21f", "size update to 4097, over the allowed 4096"),
        ("0085ffffffffff00", "invalid Huffman (EOS)"),
    ],
)
def test_malformed_blocks(backend, block, why):
    with pytest.raises(HPACKError):
        Decoder(backend.huffman_decode).decode(bytes.fromhex(block), 65536)


def test_size_update_to_zero_at_the_start_is_fine(backend):
    assert Decoder(backend.huffman_decode).decode(bytes.fromhex("2082"), 100) == ([(b":method", b"GET")], False)


def test_decompression_bomb_is_bounded(backend):
    """One 4 KiB table entry referenced 10 000 times: a 10 KiB block that
    would inflate to 40 MiB. Decoding stops keeping fields at the bound."""
    encoder = Encoder()
    big = (b"x-big", b"v" * 4000)
    block = encoder.encode([big], huffman=False) + bytes([0x80 | 62]) * 10000
    fields, too_large = Decoder(backend.huffman_decode).decode(block, 65536)
    assert too_large
    assert sum(len(n) + len(v) + 32 for n, v in fields) <= 65536


def test_table_must_shrink_to_the_acknowledged_size(backend):
    decoder = Decoder(backend.huffman_decode)
    decoder.max_allowed_table_size = 100
    with pytest.raises(HPACKError):
        decoder.decode(bytes.fromhex("82"), 65536)  # no size update: table still 4096
    decoder = Decoder(backend.huffman_decode)
    decoder.max_allowed_table_size = 100
    assert decoder.decode(bytes.fromhex("3f4582"), 65536) == ([(b":method", b"GET")], False)
