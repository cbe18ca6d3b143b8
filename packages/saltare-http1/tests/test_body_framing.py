"""Bodies, pipelining, protocol switches and connection close, on both backends."""

import pytest

from saltare_http1 import Data, EndOfMessage, Request

HOST = b"Host: a\r\n"


def chunked_request(body: bytes) -> bytes:
    return b"POST /c HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + body


def body_and_trailers(events):
    data = b"".join(e.data for e in events if isinstance(e, Data))
    end = [e for e in events if isinstance(e, EndOfMessage)]
    return data, end[0].trailers if end else None


def test_content_length_body(backend):
    events = backend.RequestParser().feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
    assert events[0].content_length == 5
    assert events[1:] == [Data(b"hello"), EndOfMessage(())]


def test_content_length_body_in_pieces(backend):
    parser = backend.RequestParser()
    assert len(parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhel")) == 2
    assert parser.state == "body"
    assert parser.in_message
    assert parser.feed(b"lo") == [Data(b"lo")]
    assert parser.feed(b"world") == [Data(b"world"), EndOfMessage(())]
    assert not parser.in_message


def test_zero_content_length(backend):
    events = backend.RequestParser().feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
    assert events[1:] == [EndOfMessage(())]


def test_chunked_body_with_extensions_and_trailers(backend):
    body = b"5;name=value\r\nhello\r\n6 ; a ; b=\"q\"\r\n world\r\n000\r\nX-Sum: 1\r\nX-Other:  2 \r\n\r\n"
    events = backend.RequestParser().feed(chunked_request(body))
    assert events[0].chunked and events[0].content_length is None
    assert body_and_trailers(events) == (b"hello world", ((b"x-sum", b"1"), (b"x-other", b"2")))


def test_chunked_hex_sizes(backend):
    data = b"x" * 0x1A
    body = b"1a\r\n" + data + b"\r\n1A\r\n" + data + b"\r\n0\r\n\r\n"
    assert body_and_trailers(backend.RequestParser().feed(chunked_request(body)))[0] == data * 2


def test_chunked_every_split_point(backend, merge_data):
    body = b"3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n"
    data = chunked_request(body) + b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
    expected = merge_data(backend.RequestParser().feed(data))
    assert body_and_trailers(expected) == (b"abc0123456789abcdef", ((b"t", b"v"),))
    for cut in range(1, len(data)):
        parser = backend.RequestParser()
        assert merge_data(parser.feed(data[:cut]) + parser.feed(data[cut:])) == expected, cut


def test_chunked_byte_by_byte(backend):
    body = b"4\r\nwiki\r\n5\r\npedia\r\n0\r\nA: b\r\n\r\n"
    data = chunked_request(body)
    parser = backend.RequestParser()
    events = []
    for i in range(len(data)):
        events += parser.feed(data[i : i + 1])
    assert body_and_trailers(events) == (b"wikipedia", ((b"a", b"b"),))
    assert parser.state == "head"


def test_pipelined_requests_in_order(backend):
    data = (
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        b"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
        b"POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nyo\r\n0\r\n\r\n"
        b"GET /4 HTTP/1.1\r\nHost: a\r\n\r\n"
    )
    events = backend.RequestParser().feed(data)
    assert [e.target for e in events if isinstance(e, Request)] == [b"/1", b"/2", b"/3", b"/4"]
    assert [type(e).__name__ for e in events] == [
        "Request", "EndOfMessage",
        "Request", "Data", "EndOfMessage",
        "Request", "Data", "EndOfMessage",
        "Request", "EndOfMessage",
    ]  # fmt: skip


def test_nothing_is_read_after_connection_close(backend):
    parser = backend.RequestParser()
    events = parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    assert len(events) == 2
    assert parser.state == "closed"
    assert parser.feed(b"GET /3 HTTP/1.1\r\nHost: a\r\n\r\n") == []


def test_http10_without_keep_alive_closes(backend):
    parser = backend.RequestParser()
    parser.feed(b"GET / HTTP/1.0\r\n\r\n")
    assert parser.state == "closed"


def test_upgrade_pauses_and_detach_returns_the_new_protocol_bytes(backend):
    parser = backend.RequestParser()
    head = b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
    events = parser.feed(head + b"\x81\x85frame")
    assert events[0].upgrade == b"websocket"
    assert events[1:] == [EndOfMessage(())]
    assert parser.state == "paused"
    assert parser.feed(b"more") == []
    assert parser.detach() == b"\x81\x85framemore"
    assert parser.state == "closed"


def test_declined_upgrade_resumes_http(backend):
    parser = backend.RequestParser()
    head = b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
    parser.feed(head + b"GET /next HTTP/1.1\r\n")
    assert parser.feed(b"Host: a\r\n\r\n") == []
    events = parser.resume()
    assert events[0].target == b"/next"


def test_connect_pauses(backend):
    parser = backend.RequestParser()
    parser.feed(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03")
    assert parser.state == "paused"
    assert parser.detach() == b"\x16\x03"


def test_resume_and_detach_need_a_paused_parser(backend):
    parser = backend.RequestParser()
    with pytest.raises(RuntimeError):
        parser.resume()
    with pytest.raises(RuntimeError):
        parser.detach()


def test_empty_transfer_encoding_elements_are_ignored(backend):
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked,\r\n\r\n"
    events = backend.RequestParser().feed(head + b"1\r\nx\r\n0\r\n\r\n")
    assert events[0].chunked
    assert events[1] == Data(b"x")


def test_chunk_size_with_leading_zeros(backend):
    events = backend.RequestParser().feed(chunked_request(b"0000000000000005\r\nhello\r\n0\r\n\r\n"))
    assert body_and_trailers(events) == (b"hello", ())
