"""percent_decode_path: the ASGI `path`, as urllib.parse.unquote would give it."""

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saltare_http1 import percent_decode_path


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        (b"/plain", "/plain"),
        (b"/a%20b", "/a b"),
        (b"/caf%C3%A9", "/caf\u00e9"),
        (b"/%E2%82%AC/%2F", "/\u20ac//"),
        (b"/bad%zz", "/bad%zz"),
        (b"/sign%+1", "/sign%+1"),
        (b"/short%4", "/short%4"),
        (b"/end%", "/end%"),
        (b"/invalid%C3", "/invalid\ufffd"),
    ],
)
def test_decoding(raw, path):
    assert percent_decode_path(raw) == path


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"/", b"a", b"%", b"%2", b"%C3", b"%A9", b"%zz", b"+", b"-", b"%E2%82", b"%AC"]), max_size=12))
def test_same_as_unquote(pieces):
    raw = b"".join(pieces)
    assert percent_decode_path(raw) == unquote(raw.decode("ascii"))
