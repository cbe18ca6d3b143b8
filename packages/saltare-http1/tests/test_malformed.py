"""Every malformed input of vectors/malformed.toml is refused with its precise code."""

import pytest

from saltare_http1 import ErrorCode, ProtocolError


def feed_all(parser, pieces) -> None:
    for piece in pieces:
        parser.feed(piece)


def test_refused_in_one_piece(backend, malformed):
    with pytest.raises(ProtocolError) as info:
        backend.RequestParser().feed(malformed["input"])
    expected = ErrorCode[malformed["error"]]
    assert info.value.code == expected
    assert info.value.status == expected.status


def test_refused_byte_by_byte_with_the_same_code(backend, malformed):
    data = malformed["input"]
    with pytest.raises(ProtocolError) as info:
        feed_all(backend.RequestParser(), [data[i : i + 1] for i in range(len(data))])
    assert info.value.code == ErrorCode[malformed["error"]]


def test_parser_reads_nothing_after_an_error(backend):
    parser = backend.RequestParser()
    with pytest.raises(ProtocolError):
        parser.feed(b"GET / HTTP/1.1\nHost: a\r\n\r\n")
    assert parser.state == "error"
    assert parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n") == []


def test_events_before_the_error_are_kept(backend):
    good = b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
    with pytest.raises(ProtocolError) as info:
        backend.RequestParser().feed(good + b"GET /2 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    assert info.value.code == ErrorCode.DUPLICATE_HOST
    assert [type(e).__name__ for e in info.value.events] == ["Request", "EndOfMessage"]
    assert info.value.events[0].target == b"/1"


def test_early_refusal_of_garbage_needs_no_end_of_head(backend):
    with pytest.raises(ProtocolError) as info:
        backend.RequestParser().feed(b"\x16\x03\x01")
    assert info.value.code == ErrorCode.BAD_METHOD


def test_field_line_errors_wait_for_the_end_of_the_head(backend):
    parser = backend.RequestParser()
    assert parser.feed(b"GET / HTTP/1.1\r\nHost : a\r\n") == []
    with pytest.raises(ProtocolError) as info:
        parser.feed(b"\r\n")
    assert info.value.code == ErrorCode.SPACE_BEFORE_COLON


def test_eof_in_the_middle_of_a_request(backend):
    parser = backend.RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(ProtocolError) as info:
        parser.feed_eof()
    assert info.value.code == ErrorCode.INCOMPLETE_MESSAGE


def test_eof_between_requests_is_clean(backend):
    parser = backend.RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    parser.feed_eof()
    assert parser.state == "head"
