"""Valid request heads: every Request field, on both backends."""

import pytest

from saltare_http1 import EndOfMessage, Request

CURL = b"GET /search?q=saltare&n=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"


def one_request(backend, data: bytes) -> Request:
    events = backend.RequestParser().feed(data)
    assert isinstance(events[0], Request)
    return events[0]


def test_curl_get(backend):
    events = backend.RequestParser().feed(CURL)
    assert events == [
        Request(
            method=b"GET",
            target=b"/search?q=saltare&n=1",
            path="/search",
            raw_path=b"/search",
            query_string=b"q=saltare&n=1",
            http_version="1.1",
            headers=[(b"host", b"example.com"), (b"user-agent", b"curl/8.5.0"), (b"accept", b"*/*")],
            keep_alive=True,
            expect_continue=False,
            upgrade=None,
            content_length=None,
            chunked=False,
        ),
        EndOfMessage(()),
    ]


def test_names_lower_cased_values_trimmed_order_and_duplicates_kept(backend):
    request = one_request(
        backend, b"GET / HTTP/1.1\r\nHOST: a\r\nX-Dup:  1 \t\r\nx-dup:2\r\nEmpty:\r\nSpaced: a  b\r\n\r\n"
    )
    assert request.headers == [
        (b"host", b"a"),
        (b"x-dup", b"1"),
        (b"x-dup", b"2"),
        (b"empty", b""),
        (b"spaced", b"a  b"),
    ]


def test_obs_text_allowed_in_values(backend):
    request = one_request(backend, b"GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n")
    assert request.headers[1] == (b"x", b"caf\xc3\xa9")


@pytest.mark.parametrize(
    ("target", "path", "raw_path", "query"),
    [
        (b"/", "/", b"/", b""),
        (b"/a%20b/%E2%82%AC", "/a b/\u20ac", b"/a%20b/%E2%82%AC", b""),
        (b"/p?", "/p", b"/p", b""),
        (b"/p?a=1?b=2", "/p", b"/p", b"a=1?b=2"),
        (b"http://example.com/x/y?z=1", "/x/y", b"/x/y", b"z=1"),
        (b"http://example.com", "/", b"/", b""),
        (b"http://example.com?z=1", "/", b"/", b"z=1"),
        (b"HTTPS://example.com:8443/p", "/p", b"/p", b""),
        (b"http://[::1]:80/p", "/p", b"/p", b""),
    ],
)
def test_path_and_query(backend, target, path, raw_path, query):
    request = one_request(backend, b"GET " + target + b" HTTP/1.1\r\nHost: example.com\r\n\r\n")
    assert (request.target, request.path, request.raw_path, request.query_string) == (target, path, raw_path, query)


def test_asterisk_form_for_options(backend):
    request = one_request(backend, b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
    assert (request.path, request.raw_path, request.query_string) == ("*", b"*", b"")


def test_authority_form_for_connect(backend):
    request = one_request(backend, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    assert request.raw_path == b"example.com:443"


@pytest.mark.parametrize(
    ("version_line", "connection", "keep_alive"),
    [
        (b"HTTP/1.1", b"", True),
        (b"HTTP/1.1", b"Connection: close\r\n", False),
        (b"HTTP/1.1", b"Connection: Keep-Alive, CLOSE\r\n", False),
        (b"HTTP/1.1", b"Connection: keep-alive\r\nConnection: close\r\n", False),
        (b"HTTP/1.0", b"", False),
        (b"HTTP/1.0", b"Connection: keep-alive\r\n", True),
        (b"HTTP/1.0", b"Connection: Keep-Alive\r\n", True),
        (b"HTTP/1.0", b"Connection: keep-alive, close\r\n", False),
    ],
)
def test_keep_alive_rules(backend, version_line, connection, keep_alive):
    request = one_request(backend, b"GET / " + version_line + b"\r\nHost: a\r\n" + connection + b"\r\n")
    assert request.keep_alive is keep_alive


def test_http10_needs_no_host(backend):
    request = one_request(backend, b"GET / HTTP/1.0\r\n\r\n")
    assert request.http_version == "1.0"
    assert request.headers == []


def test_higher_minor_version_is_read_as_1_1(backend):
    assert one_request(backend, b"GET / HTTP/1.7\r\nHost: a\r\n\r\n").http_version == "1.1"


@pytest.mark.parametrize(("value", "expected"), [(b"100-continue", True), (b"100-Continue", True), (b"foo", False)])
def test_expect_continue(backend, value, expected):
    request = one_request(backend, b"POST / HTTP/1.1\r\nHost: a\r\nExpect: " + value + b"\r\nContent-Length: 1\r\n\r\n")
    assert request.expect_continue is expected


def test_expect_continue_ignored_in_http10(backend):
    request = one_request(backend, b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
    assert request.expect_continue is False


def test_upgrade_needs_the_connection_token(backend):
    ws = b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n"
    assert one_request(backend, ws).upgrade == b"websocket"
    plain = b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"
    assert one_request(backend, plain).upgrade is None
    http10 = b"GET /ws HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"
    assert one_request(backend, http10).upgrade is None


@pytest.mark.parametrize(
    "host", [b"", b"example.com", b"example.com:8080", b"127.0.0.1:1", b"[::1]:8000", b"[::1]", b"xn--bcher-kva.de"]
)
def test_valid_hosts(backend, host):
    assert one_request(backend, b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n\r\n").headers == [(b"host", host)]


def test_leading_empty_lines_are_skipped(backend):
    events = backend.RequestParser().feed(b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert events[0].target == b"/"


def test_every_split_point_gives_the_same_events(backend, merge_data):
    data = CURL + b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
    expected = backend.RequestParser().feed(data)
    for cut in range(1, len(data)):
        parser = backend.RequestParser()
        events = parser.feed(data[:cut]) + parser.feed(data[cut:])
        assert merge_data(events) == merge_data(expected), cut


def test_byte_by_byte(backend):
    parser = backend.RequestParser()
    events = []
    for i in range(len(CURL)):
        events += parser.feed(CURL[i : i + 1])
    assert events == backend.RequestParser().feed(CURL)

