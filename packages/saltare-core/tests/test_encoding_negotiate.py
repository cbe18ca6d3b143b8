"""Accept-Encoding negotiation: RFC 9110 §12.5.3 examples, edge cases, and a
differential test against an independent reference written from the RFC text.

No library in the test dependencies negotiates Accept-Encoding on the server
side (h11, h2, httpx only send it), so the oracle is `reference_select` below:
a regex over the ABNF plus exact fractions, sharing no code with the module.
"""

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from saltare_core.encoding import IDENTITY, PREFERENCE, Negotiator, parse_accept_encoding

ALL = ("br", "zstd", "gzip")

# (Accept-Encoding value, codings enabled, expected choice). None as a value:
# no Accept-Encoding field; None as a choice: nothing acceptable, not even identity.
CASES = [
    # The five examples of RFC 9110 §12.5.3.
    ("compress, gzip", ALL, "gzip"),
    ("", ALL, IDENTITY),
    ("*", ALL, "br"),
    ("compress;q=0.5, gzip;q=1.0", ALL, "gzip"),
    ("gzip;q=1.0, identity; q=0.5, *;q=0", ALL, "gzip"),
    # No field at all: identity (the RFC allows any coding; see README).
    (None, ALL, IDENTITY),
    # What browsers and tools send.
    ("gzip, deflate, br, zstd", ALL, "br"),
    ("gzip, deflate, br", ALL, "br"),
    ("deflate, gzip, br, zstd", ("zstd", "gzip"), "zstd"),
    ("gzip, deflate", ALL, "gzip"),
    ("br;q=1.0, gzip;q=0.8, *;q=0.1", ALL, "br"),
    # Server preference only breaks ties; the client's q-values come first.
    ("gzip;q=0.9, br;q=0.5", ALL, "gzip"),
    ("gzip;q=0.5, br;q=0.5", ALL, "br"),
    ("gzip, zstd", ALL, "zstd"),
    ("gzip;q=0.001", ALL, "gzip"),
    # q=0 refuses.
    ("gzip;q=0", ALL, IDENTITY),
    ("br;q=0, *", ALL, "zstd"),
    ("*;q=0", ALL, None),
    ("identity;q=0", ALL, None),
    ("identity;q=0, gzip", ALL, "gzip"),
    ("*;q=0, identity", ALL, IDENTITY),
    ("*;q=0, identity;q=0.5", ALL, IDENTITY),
    ("br, identity;q=0", ("gzip",), None),
    # identity listed with a higher weight than every coding wins; equal weights compress.
    ("gzip;q=0.8, identity", ALL, IDENTITY),
    ("gzip, identity", ALL, "gzip"),
    ("gzip;q=0.5, *;q=0.7", ALL, "br"),
    ("gzip;q=0.5, identity;q=0.7, *;q=0.3", ALL, IDENTITY),
    # Only enabled codings are chosen.
    ("br, zstd", ("gzip",), IDENTITY),
    ("*", ("gzip",), "gzip"),
    ("deflate, compress", ALL, IDENTITY),
    # Case, x-gzip (RFC 9110 §8.4.1.3), whitespace, empty list elements.
    ("GZIP", ALL, "gzip"),
    ("x-gzip", ALL, "gzip"),
    ("Br;Q=0.5, gzip;q=0.4", ALL, "br"),
    (" ,, gzip \t, ", ALL, "gzip"),
    ("gzip ; q=0.5", ALL, "gzip"),
    # A malformed element is ignored; the rest of the field counts.
    ("gzip;q=1.5", ALL, IDENTITY),
    ("gzip;q=0.0001", ALL, IDENTITY),
    ("gzip;q=abc, br", ALL, "br"),
    ("gzip;level=9", ALL, IDENTITY),
    ("g zip, zstd", ALL, "zstd"),
    ("identity;q=O", ALL, IDENTITY),
    # A coding listed twice keeps its lowest weight: a refusal is not undone.
    ("gzip;q=0, gzip", ("gzip",), IDENTITY),
    ("gzip, x-gzip;q=0", ("gzip",), IDENTITY),
]


@pytest.mark.parametrize(("value", "codings", "expected"), CASES)
def test_select_matches_the_table(value, codings, expected):
    negotiator = Negotiator(codings)
    assert negotiator.select(value) == expected
    # Twice: the second answer comes from the cache; bytes give the same answer.
    assert negotiator.select(value) == expected
    if value is not None:
        assert negotiator.select(value.encode("latin-1")) == expected


def test_parse_gives_weights_in_thousandths():
    assert parse_accept_encoding(b"gzip;q=0.5, br, *;q=0.001, identity;q=1.000, zstd;q=0.") == {
        "gzip": 500,
        "br": 1000,
        "*": 1,
        "identity": 1000,
        "zstd": 0,
    }


def test_codings_are_ranked_by_the_fixed_preference():
    assert Negotiator(("gzip", "br")).codings == ("br", "gzip")
    assert PREFERENCE == ("br", "zstd", "gzip")


def test_unknown_codings_and_bad_cache_size_are_refused():
    with pytest.raises(ValueError, match="deflate"):
        Negotiator(("gzip", "deflate"))
    with pytest.raises(ValueError):
        Negotiator(ALL, cache_size=-1)


def test_the_cache_stays_bounded_and_answers_stay_right():
    negotiator = Negotiator(ALL, cache_size=4)
    for round_ in range(3):
        for n in range(10):
            value = f"gzip;q=0.{n}, br;q=0.{9 - n}"
            assert negotiator.select(value) == ("gzip" if n > 4 else "br"), round_
            assert len(negotiator._cache) <= 4


def test_long_values_are_negotiated_but_not_cached():
    negotiator = Negotiator(ALL)
    value = "compress;q=0.5, " * 20 + "gzip"
    assert negotiator.select(value) == "gzip"
    assert value not in negotiator._cache


def test_cache_can_be_turned_off():
    negotiator = Negotiator(ALL, cache_size=0)
    assert negotiator.select("gzip") == "gzip"
    assert negotiator._cache == {}


# -- the reference: the ABNF of RFC 9110 §12.5.3 as one regex per list element.
_ELEMENT = re.compile(
    r"[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*"
    r"(?:;[ \t]*[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?[ \t]*"
)
_JUST_ABOVE_ZERO = Fraction(1, 10**6)  # below any qvalue (the smallest is 0.001)


def reference_select(value, codings):
    if value is None:
        return IDENTITY
    weights = {}
    for element in value.split(","):
        match = _ELEMENT.fullmatch(element)
        if match is None:
            continue
        name = match[1].lower()
        name = "gzip" if name == "x-gzip" else name
        weight = Fraction(match[2].rstrip(".") or "1") if match[2] else Fraction(1)
        weights[name] = min(weights.get(name, weight), weight)
    star = weights.get("*")
    identity = weights.get("identity", star)
    if identity is None:
        identity = _JUST_ABOVE_ZERO  # "acceptable by default", after any coding
    offers = [(weights.get(c, star) or 0, len(ALL) - ALL.index(c), c) for c in codings]
    offers.append((identity, 0, IDENTITY))  # identity last among equals
    weight, _, best = max(offers)
    return best if weight > 0 else None


_NAMES = st.sampled_from(
    ["br", "zstd", "gzip", "x-gzip", "GZip", "deflate", "identity", "IDENTITY", "*", "compress", "b r", ""]
)
_WEIGHTS = st.sampled_from(
    [
        "",
        ";q=0",
        ";q=1",
        ";q=0.5",
        ";q=0.001",
        ";q=0.",
        ";q=1.000",
        ";Q=0.25",
        "; q=0.7",
        " ;q=0",
        ";q=1.5",
        ";q=0.0001",
        ";q=",
        ";q=2",
        ";level=1",
        ";q=0.5;x=y",
        ";q=1.001",
    ]
)
_OWS = st.sampled_from(["", " ", "\t", "  "])
_ELEMENTS = st.builds(lambda a, n, w, b: a + n + w + b, _OWS, _NAMES, _WEIGHTS, _OWS)
_FIELDS = st.one_of(
    st.lists(_ELEMENTS, max_size=6).map(",".join),
    st.text(alphabet="gzipbrstdxy*-;q=0.15 ,\t", max_size=30),
)
_ENABLED = st.sets(st.sampled_from(ALL), min_size=1).map(tuple)


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(st.none(), _FIELDS), codings=_ENABLED)
def test_select_agrees_with_the_reference(value, codings):
    negotiator = Negotiator(codings)
    expected = reference_select(value, codings)
    assert negotiator.select(value) == expected
    assert negotiator.select(value) == expected


@settings(max_examples=200, deadline=None)
@given(value=_FIELDS, codings=_ENABLED)
def test_a_refused_coding_is_never_chosen(value, codings):
    weights = parse_accept_encoding(value)
    choice = Negotiator(codings).select(value)
    assert choice in (*codings, IDENTITY, None)
    if choice is not None:
        assert weights.get(choice, weights.get("*")) != 0
