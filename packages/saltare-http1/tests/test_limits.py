"""Each bound of Limits: accepted at the limit, refused one past it, with its status."""

import pytest

from saltare_http1 import ErrorCode, Limits, ProtocolError


def refuse(backend, data: bytes, limits: Limits) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        backend.RequestParser(limits).feed(data)
    return info.value


def test_target_at_and_over_the_limit(backend):
    limits = Limits(max_target_bytes=16)
    at = b"/" + b"a" * 15
    assert backend.RequestParser(limits).feed(b"GET " + at + b" HTTP/1.1\r\nHost: a\r\n\r\n")[0].target == at
    error = refuse(backend, b"GET " + at + b"a HTTP/1.1\r\nHost: a\r\n\r\n", limits)
    assert (error.code, error.status) == (ErrorCode.TARGET_TOO_LONG, 414)


def test_long_target_refused_before_the_line_ends(backend):
    error = refuse(backend, b"GET /" + b"a" * 100, Limits(max_target_bytes=50))
    assert error.status == 414


def test_head_at_and_over_the_limit(backend):
    head = b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"v" * 20 + b"\r\n\r\n"
    assert backend.RequestParser(Limits(max_head_bytes=len(head))).feed(head)
    error = refuse(backend, head, Limits(max_head_bytes=len(head) - 1))
    assert (error.code, error.status) == (ErrorCode.HEAD_TOO_LARGE, 431)


def test_endless_head_refused_once_past_the_limit(backend):
    parser = backend.RequestParser(Limits(max_head_bytes=1024))
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n")
    with pytest.raises(ProtocolError) as info:
        for _ in range(100):
            parser.feed(b"X-Filler: " + b"f" * 20 + b"\r\n")
    assert info.value.status == 431


def test_leading_empty_lines_count_towards_the_head(backend):
    head = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    assert refuse(backend, b"\r\n" * 10 + head, Limits(max_head_bytes=len(head) + 19)).status == 431


def test_header_count(backend):
    fields = b"".join(b"X-%d: v\r\n" % i for i in range(4))
    head = b"GET / HTTP/1.1\r\nHost: a\r\n" + fields + b"\r\n"
    assert len(backend.RequestParser(Limits(max_headers=5)).feed(head)[0].headers) == 5
    error = refuse(backend, head, Limits(max_headers=4))
    assert (error.code, error.status) == (ErrorCode.TOO_MANY_HEADERS, 431)


def test_content_length_over_the_body_limit(backend):
    data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
    assert backend.RequestParser(Limits(max_body_bytes=11)).feed(data)
    error = refuse(backend, data, Limits(max_body_bytes=10))
    assert (error.code, error.status) == (ErrorCode.BODY_TOO_LARGE, 413)


def test_chunked_total_over_the_body_limit(backend):
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    parser = backend.RequestParser(Limits(max_body_bytes=10))
    parser.feed(head + b"6\r\nabcdef\r\n")
    with pytest.raises(ProtocolError) as info:
        parser.feed(b"5\r\n")  # refused on the size line, before any of its data
    assert info.value.status == 413


def test_chunk_extension_length(backend):
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    ext = b";" + b"e" * 9  # 10 bytes
    events = backend.RequestParser(Limits(max_chunk_ext_bytes=10)).feed(head + b"1" + ext + b"\r\nx\r\n0\r\n\r\n")
    assert events[-1].trailers == ()
    error = refuse(backend, head + b"1" + ext + b"e\r\nx\r\n0\r\n\r\n", Limits(max_chunk_ext_bytes=10))
    assert (error.code, error.status) == (ErrorCode.CHUNK_EXTENSION_TOO_LONG, 400)


def test_trailer_section_size(backend):
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
    trailers = b"X: " + b"t" * 10 + b"\r\n\r\n"  # 17 bytes
    assert backend.RequestParser(Limits(max_trailer_bytes=17)).feed(head + trailers)
    error = refuse(backend, head + trailers, Limits(max_trailer_bytes=16))
    assert (error.code, error.status) == (ErrorCode.TRAILERS_TOO_LARGE, 431)


def test_trailer_count(backend):
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
    error = refuse(backend, head + b"A: 1\r\nB: 2\r\nC: 3\r\n\r\n", Limits(max_headers=2))
    assert error.code == ErrorCode.TOO_MANY_HEADERS


def test_defaults():
    limits = Limits()
    assert (limits.max_head_bytes, limits.max_target_bytes, limits.max_headers) == (16384, 8192, 100)
    assert limits.max_body_bytes is None
