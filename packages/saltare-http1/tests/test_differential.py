"""Generated requests: the C backend, the Python backend and h11 compared.

C and Python must agree exactly (same events, or the same ErrorCode), whatever
the split of the input. Against h11, both-accept cases must give the same
request and body; where only one side refuses, the reason must be one of the
documented strictness differences below.
"""

import h11
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saltare_http1 import Data, EndOfMessage, ErrorCode, ProtocolError, Request, _pybackend

E = ErrorCode
# We refuse, h11 accepts (each is a decision in README "Strictness"):
STRICTER_THAN_H11 = {
    E.BARE_LF,  # h11 accepts LF line endings
    E.BAD_TARGET,  # h11 accepts '#', and any form with any method
    E.BAD_HOST,  # h11 does not check the Host value
    E.DUPLICATE_CONTENT_LENGTH,  # h11 merges equal values
    E.BAD_CONTENT_LENGTH,  # h11 accepts a list of equal values
    E.CONTENT_LENGTH_WITH_TRANSFER_ENCODING,  # h11 lets Transfer-Encoding win
    E.TRANSFER_ENCODING_HTTP10,
    E.UNSUPPORTED_VERSION,  # h11's parser accepts any HTTP/x.y
    E.BAD_HEADER_VALUE,  # h11 accepts DEL
    E.OBS_FOLD,  # h11 unfolds it (RFC 9112 §5.2 allows either)
    E.MISSING_HOST,  # h11 requires Host only for exactly 1.1; we read 1.x (x >= 2) as 1.1
    E.BAD_CHUNK_EXTENSION,  # h11 accepts any extension bytes
    E.BARE_CR,  # h11 tolerates some bare CRs in chunk framing
    E.BAD_CHUNK_END,
    E.CHUNK_SIZE_OVERFLOW,
}

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

methods = st.sampled_from([b"GET", b"POST", b"PUT", b"HEAD", b"OPTIONS", b"CONNECT", b"M-SEARCH", b"G(T", b"", b"GET\t"])
targets = st.one_of(
    st.sampled_from([b"/", b"*", b"/a?b=1", b"/%41%e2%82%ac", b"http://h/p?q", b"h:443", b"/a#b", b"", b"/caf\xe9", b"x"]),
    st.binary(min_size=0, max_size=12).map(lambda b: b"/" + b),
)
versions = st.sampled_from([b"HTTP/1.1"] * 6 + [b"HTTP/1.0"] * 2 + [b"HTTP/1.7", b"HTTP/2.0", b"HTTP/1", b"http/1.1", b"HTTP/1.1 "])
names = st.one_of(
    st.sampled_from([b"Host", b"Content-Length", b"Transfer-Encoding", b"Connection", b"Expect", b"Upgrade", b"X-A"]),
    st.sampled_from([b"Bad Name", b"", b"N\x00", b" Fold", b"x-b"]),
    st.from_regex(rb"\A[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,8}\Z"),
)
values = st.one_of(
    st.sampled_from([b"a", b"5", b"0", b"+5", b"5, 5", b"chunked", b"gzip, chunked", b"chunked, chunked", b"close"]),
    st.sampled_from([b"keep-alive", b"upgrade", b"websocket", b"100-continue", b"", b" spaced ", b"a\x00b", b"\xe9"]),
    st.sampled_from([b"a\rb", b"a\x7f", b"example.com:80", b"[::1]", b"a b"]),
    st.binary(max_size=8),
)
line_ends = st.sampled_from([b"\r\n"] * 12 + [b"\n", b"\r"])
separators = st.sampled_from([b": "] * 4 + [b":", b" : ", b":\t"])


@st.composite
def heads(draw) -> bytes:
    parts = [draw(methods), b" ", draw(targets), b" ", draw(versions), draw(line_ends)]
    if draw(st.booleans()):
        parts += [b"Host: example.com", draw(line_ends)]
    for _ in range(draw(st.integers(0, 5))):
        parts += [draw(names), draw(separators), draw(values), draw(line_ends)]
    parts.append(draw(line_ends))
    return b"".join(parts)


@st.composite
def chunked_bodies(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        data = draw(st.binary(max_size=20))
        ext = draw(st.sampled_from([b"", b";a=b", b" ;x", b";q=\"v\"", b" ", b";\x01"]))
        size = draw(st.sampled_from([b"%x" % len(data), b"%X" % len(data), b"0%x" % len(data)]))
        parts += [size, ext, draw(line_ends), data, draw(line_ends)]
    parts += [b"0", draw(line_ends)]
    for _ in range(draw(st.integers(0, 2))):
        parts += [draw(names), b": ", draw(values), draw(line_ends)]
    parts.append(draw(line_ends))
    return b"".join(parts)


@st.composite
def requests(draw) -> bytes:
    head = draw(heads())
    body = draw(st.one_of(st.just(b""), st.binary(max_size=16), chunked_bodies()))
    return head + body


def outcome(backend, merge_data, data: bytes, cut: int | None = None):
    """The events (adjacent Data merged), or the ErrorCode, of parsing `data`
    (optionally in two pieces)."""
    parser = backend.RequestParser()
    pieces = [data] if cut is None else [data[:cut], data[cut:]]
    events = []
    try:
        for piece in pieces:
            events += parser.feed(piece)
    except ProtocolError as error:
        return error.code
    return merge_data(events)


@SETTINGS
@given(data=requests(), cut=st.integers(min_value=0))
def test_c_and_python_agree(c_native, merge_data, data, cut):
    expected = outcome(_pybackend, merge_data, data)
    assert outcome(c_native, merge_data, data) == expected
    cut = cut % (len(data) + 1)
    assert outcome(c_native, merge_data, data, cut) == expected
    assert outcome(_pybackend, merge_data, data, cut) == expected


def h11_first_request(data: bytes):
    """h11's view of the first request: (Request event, body, trailers) or ("error", status)."""
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    request, body, trailers = None, b"", None
    try:
        for _ in range(100):
            event = conn.next_event()
            if event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
                break
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                trailers = tuple((bytes(n), bytes(v)) for n, v in event.headers)
                break
    except h11.RemoteProtocolError as error:
        return ("error", error.error_status_hint)
    return request, body, trailers


def first_message(merge_data, data: bytes):
    """Our events up to the end of the first request, or the ErrorCode that stopped it."""
    try:
        events = _pybackend.RequestParser().feed(data)
    except ProtocolError as error:
        events = error.events
        if not any(isinstance(e, EndOfMessage) for e in events):
            return error.code
    end = next((i for i, e in enumerate(events) if isinstance(e, EndOfMessage)), len(events) - 1)
    return merge_data(events[: end + 1])


@SETTINGS
@given(data=requests())
def test_against_h11(merge_data, data):
    ours = first_message(merge_data, data)
    theirs = h11_first_request(data)
    if isinstance(ours, ErrorCode):
        if theirs[0] != "error" and theirs[0] is not None:
            assert ours in STRICTER_THAN_H11, (ours, theirs)
        return
    if not ours:
        return  # our head is not complete yet (h11 may have read bare LFs as line ends)
    request = ours[0]
    if theirs[0] == "error":
        # Where h11 refuses what we accept: empty lines before the request
        # (RFC 9112 §2.2 says a server SHOULD skip them).
        assert data.startswith(b"\r\n"), (data, theirs)
        return
    h11_request, body, trailers = theirs
    if h11_request is None:
        return  # h11 wants more bytes for its first event
    assert (request.method, request.target) == (h11_request.method, h11_request.target)
    assert request.headers == [(bytes(n), bytes(v)) for n, v in h11_request.headers]
    end = next((i for i, e in enumerate(ours) if isinstance(e, EndOfMessage)), None)
    if trailers is not None and end is not None:
        assert b"".join(e.data for e in ours[1:end] if isinstance(e, Data)) == body
        assert ours[end].trailers == trailers
    assert isinstance(ours[0], Request)
