"""Request heads parsed into Python objects (headers list included), per library.

saltare (C and Python backends) reuses one parser, as a server does on a
keep-alive connection. httptools is driven with callbacks shaped like
uvicorn's (URL accumulated, headers lower-cased into a list, URL parsed for
path and query at headers-complete). h11 needs a response before it reads the
next request, so it gets a fresh Connection per request.
Run: tools/dev bench -k parse   (or pytest --benchmark-only packages/saltare-http1/bench)
"""

import h11
import httptools
import pytest

from saltare_http1 import _cbackend, _pybackend

CURL_GET = b"GET /api/items?id=42 HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
BROWSER_GET = (
    b"GET /static/app.js?v=3 HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"Connection: keep-alive\r\n"
    b"sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    b"sec-ch-ua-mobile: ?0\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\r\n"
    b"sec-ch-ua-platform: \"Linux\"\r\n"
    b"Accept: */*\r\n"
    b"Sec-Fetch-Site: same-origin\r\n"
    b"Sec-Fetch-Mode: no-cors\r\n"
    b"Sec-Fetch-Dest: script\r\n"
    b"Referer: https://www.example.com/dashboard\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r\n"
    b"Cookie: session=3f2a9c1e7b; theme=dark; _ga=GA1.2.1234567890.1700000000\r\n"
    b"If-None-Match: \"5e1d-17a3c\"\r\n"
    b"If-Modified-Since: Mon, 20 May 2024 10:00:00 GMT\r\n"
    b"Cache-Control: max-age=0\r\n"
    b"DNT: 1\r\n"
    b"Pragma: no-cache\r\n"
    b"X-Requested-With: XMLHttpRequest\r\n"
    b"\r\n"
)
CHUNKED_POST = (
    b"POST /upload HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: python-httpx/0.27.0\r\n"
    b"Accept: */*\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"1a\r\n{\"name\": \"saltare\", \"n\": 1\r\n"
    b"10\r\n, \"tags\": [\"a\"]}\r\n0\r\n\r\n"
)
HEADS = {"curl_get": CURL_GET, "browser_get_20_headers": BROWSER_GET, "chunked_post": CHUNKED_POST}


def saltare_parse(backend):
    parser = backend.RequestParser()
    feed = parser.feed

    def parse(data: bytes):
        return feed(data)

    return parse


class UvicornStyleProtocol:
    """The callbacks uvicorn registers on httptools.HttpRequestParser."""

    def __init__(self) -> None:
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.headers = []
        self.body = []
        self.request = None

    def on_message_begin(self):
        self.url = b""
        self.headers = []
        self.body = []

    def on_url(self, url):
        self.url += url

    def on_header(self, name, value):
        self.headers.append((name.lower(), value))

    def on_headers_complete(self):
        parsed = httptools.parse_url(self.url)
        self.request = (
            self.parser.get_method(), self.url, parsed.path, parsed.query or b"",
            self.parser.get_http_version(), self.headers, self.parser.should_keep_alive(),
        )  # fmt: skip

    def on_body(self, body):
        self.body.append(body)

    def on_message_complete(self):
        pass


def httptools_parse():
    protocol = UvicornStyleProtocol()
    feed = protocol.parser.feed_data

    def parse(data: bytes):
        feed(data)
        return protocol.request

    return parse


def h11_parse():
    def parse(data: bytes):
        conn = h11.Connection(h11.SERVER)
        conn.receive_data(data)
        events = []
        while True:
            event = conn.next_event()
            events.append(event)
            if event is h11.NEED_DATA or type(event) is h11.EndOfMessage:
                return events

    return parse


PARSERS = {
    "saltare_c": lambda: saltare_parse(_cbackend),
    "saltare_python": lambda: saltare_parse(_pybackend),
    "httptools_uvicorn_callbacks": httptools_parse,
    "h11": h11_parse,
}


@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("parser", list(PARSERS))
def test_parse(benchmark, parser, head):
    benchmark.group = f"parse {head}"
    parse = PARSERS[parser]()
    data = HEADS[head]
    assert parse(data)
    benchmark(parse, data)
