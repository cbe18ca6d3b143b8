"""The response side: framing decisions, status lines, chunk framing (pure Python)."""

import h11
import pytest

from saltare_http1 import Framing, chunk, last_chunk, write_response_head


def test_content_length_given():
    head = write_response_head(200, [(b"content-type", b"text/plain"), (b"Content-Length", b"5")])
    assert head.data == b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\n"
    assert (head.framing, head.content_length, head.keep_alive) == (Framing.LENGTH, 5, True)


def test_chunked_when_no_length_for_http11():
    head = write_response_head(201, [])
    assert head.data == b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n"
    assert head.framing is Framing.CHUNKED


def test_close_delimited_for_http10_without_length():
    head = write_response_head(200, [], http_version="1.0")
    assert head.data == b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n"
    assert (head.framing, head.keep_alive) == (Framing.CLOSE, False)


def test_http10_kept_alive_is_told_so():
    head = write_response_head(200, [(b"content-length", b"0")], http_version="1.0")
    assert head.data.endswith(b"connection: keep-alive\r\n\r\n")


def test_head_has_no_body_but_keeps_content_length():
    head = write_response_head(200, [(b"content-length", b"42")], request_method=b"HEAD")
    assert b"content-length: 42" in head.data
    assert head.framing is Framing.NONE


@pytest.mark.parametrize("status", [101, 204, 304])
def test_bodiless_statuses(status):
    head = write_response_head(status, [])
    assert head.framing is Framing.NONE
    assert b"transfer-encoding" not in head.data


@pytest.mark.parametrize("status", [103, 204])
def test_content_length_dropped_where_the_rfc_forbids_it(status):
    head = write_response_head(status, [(b"content-length", b"0"), (b"x-a", b"1")])
    assert head.data == write_response_head(status, [(b"x-a", b"1")]).data
    assert b"content-length" not in head.data and head.content_length is None


def test_205_has_no_content_and_says_so():
    for fields in ([], [(b"content-length", b"5")]):
        head = write_response_head(205, fields)
        assert head.data == b"HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\n\r\n"
        assert (head.framing, head.content_length) == (Framing.NONE, 0)


def test_304_keeps_the_content_length_of_the_get():
    head = write_response_head(304, [(b"content-length", b"42")])
    assert b"content-length: 42" in head.data and head.framing is Framing.NONE


def test_the_callers_date_and_server_replace_the_extra_ones():
    from saltare_http1 import writer

    extra = b"server: saltare\r\nx-extra: yes\r\ndate: today\r\n"
    for _ in range(2):  # built, then remembered
        head = write_response_head(200, [(b"Date", b"mine"), (b"content-length", b"0")], extra=extra)
        assert head.data == (b"HTTP/1.1 200 OK\r\nDate: mine\r\ncontent-length: 0\r\n"
                             b"server: saltare\r\nx-extra: yes\r\n\r\n")
    head = write_response_head(200, [(b"server", b"mine"), (b"content-length", b"0")], extra=extra)
    assert head.data.count(b"server") == 1 and b"date: today" in head.data
    assert write_response_head(200, [(b"content-length", b"0")], extra=extra).data.endswith(extra + b"\r\n")
    writer._heads.clear()


def test_rfc_9110_reason_phrases():
    assert write_response_head(413, []).data.startswith(b"HTTP/1.1 413 Content Too Large\r\n")
    assert write_response_head(414, []).data.startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    assert write_response_head(422, []).data.startswith(b"HTTP/1.1 422 Unprocessable Content\r\n")


@pytest.mark.parametrize(("value", "closes"), [(b"close", True), (b"Keep-Alive, CLOSE", True),
                                               (b"x-closed", False), (b"closer", False)])
def test_connection_close_is_a_token_not_a_substring(value, closes):
    head = write_response_head(200, [(b"connection", value), (b"content-length", b"0")])
    assert head.keep_alive is not closes
    assert head.data.count(b"\r\nconnection: ") == 1  # the caller's line, none added


def test_callers_transfer_encoding_is_replaced():
    head = write_response_head(200, [(b"Transfer-Encoding", b"chunked")])
    assert head.data.count(b"chunked") == 1


def test_keep_alive_false_adds_close_once():
    assert write_response_head(200, [(b"content-length", b"0")], keep_alive=False).data.count(b"close") == 1
    head = write_response_head(200, [(b"connection", b"close"), (b"content-length", b"0")])
    assert head.data.count(b"close") == 1
    assert head.keep_alive is False


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x", b"a\r\nSet-Cookie: evil")],
        [(b"x", b"a\nb")],
        [(b"x", b"a\x00b")],
        [(b"bad name", b"v")],
        [(b"", b"v")],
        [(b"content-length", b"-1")],
        [(b"content-length", b"1"), (b"content-length", b"1")],
    ],
)
def test_invalid_headers_refused(headers):
    with pytest.raises(ValueError):
        write_response_head(200, headers)


def test_unknown_status_has_empty_reason_and_bad_status_refused():
    assert write_response_head(599, [(b"content-length", b"0")]).data.startswith(b"HTTP/1.1 599 \r\n")
    with pytest.raises(ValueError):
        write_response_head(1000, [])


def test_chunks_and_trailers():
    assert chunk(b"hello") == b"5\r\nhello\r\n"
    assert chunk(b"") == b""
    assert chunk(b"x" * 255) == b"ff\r\n" + b"x" * 255 + b"\r\n"
    assert last_chunk() == b"0\r\n\r\n"
    assert last_chunk([(b"x-sum", b"abc")]) == b"0\r\nx-sum: abc\r\n\r\n"
    with pytest.raises(ValueError):
        last_chunk([(b"x", b"a\r\n")])


def test_h11_client_reads_what_we_write():
    """h11, as the client, parses a chunked response with trailers."""
    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
    client.send(h11.EndOfMessage())
    head = write_response_head(200, [(b"content-type", b"text/plain")])
    client.receive_data(head.data + chunk(b"hel") + chunk(b"lo") + last_chunk([(b"x-t", b"1")]))
    events = []
    while (event := client.next_event()) is not h11.NEED_DATA:
        events.append(event)
        if isinstance(event, h11.EndOfMessage):
            break
    assert events[0].status_code == 200
    assert b"".join(bytes(e.data) for e in events if isinstance(e, h11.Data)) == b"hello"
    assert list(events[-1].headers) == [(b"x-t", b"1")]


def test_checked_fields_are_remembered_within_a_bound():
    from saltare_http1 import writer

    for length in range(3 * writer._CHECKED_MAX):
        head = write_response_head(200, [(b"content-length", b"%d" % length), (b"X-Kind", b"same")])
        assert head.content_length == length
        assert len(writer._checked) <= writer._CHECKED_MAX
    # A remembered pair keeps its meaning (its lower-cased name), bad pairs are refused every time.
    assert write_response_head(200, [(b"Connection", b"close")]).keep_alive is False
    assert write_response_head(200, [(b"Connection", b"close")]).keep_alive is False
    for _ in range(2):
        with pytest.raises(ValueError):
            write_response_head(200, [(b"x-bad", b"split\r\nset-cookie: a=b")])


def test_bytes_like_fields_are_checked_too():
    head = write_response_head(200, [(bytearray(b"x-a"), memoryview(b"b"))])
    assert head.data == b"HTTP/1.1 200 OK\r\nx-a: b\r\ntransfer-encoding: chunked\r\n\r\n"
    with pytest.raises(ValueError):
        write_response_head(200, [(bytearray(b"x-a"), bytearray(b"\x00"))])


def test_a_head_seen_before_is_the_same_head():
    from saltare_http1 import writer

    writer._heads.clear()
    fields = [(b"content-type", b"text/plain"), (b"content-length", b"5")]
    first = write_response_head(200, fields, extra=b"date: x\r\n")
    again = write_response_head(200, list(fields), extra=b"date: y\r\n")
    assert len(writer._heads) == 1
    assert first.data.replace(b"date: x", b"date: y") == again.data
    assert first[1:] == again[1:] == (Framing.LENGTH, 5, True)
    # What changes the head is part of what is remembered.
    assert write_response_head(200, fields, request_method=b"HEAD").framing is Framing.NONE
    assert write_response_head(200, fields, keep_alive=False).data.endswith(b"connection: close\r\n\r\n")
    assert write_response_head(200, fields, http_version="1.0").data.endswith(b"connection: keep-alive\r\n\r\n")
    assert write_response_head(200, fields).framing is Framing.LENGTH
    assert write_response_head(200, [(b"Connection", b"close")]).keep_alive is False
    assert write_response_head(200, [(b"Connection", b"close")]).keep_alive is False


def test_heads_are_remembered_within_a_bound_and_only_when_hashable_bytes():
    from saltare_http1 import writer

    writer._heads.clear()
    for length in range(3 * writer._HEADS_MAX):
        assert write_response_head(200, [(b"content-length", b"%d" % length)]).content_length == length
        assert len(writer._heads) <= writer._HEADS_MAX
    writer._heads.clear()
    view = memoryview(b"x" * 100_000)[:1]
    for fields in ([[b"x-a", b"b"]], [(b"x-a", bytearray(b"b"))], [(b"x-a", view)]):
        assert write_response_head(200, fields).data == b"HTTP/1.1 200 OK\r\nx-a: " + bytes(fields[0][1]) + (
            b"\r\ntransfer-encoding: chunked\r\n\r\n"
        )
    assert writer._heads == {}
    # Any iterable of pairs, a generator included, is read once.
    head = write_response_head(200, ((n, v) for n, v in [(b"x-a", b"1"), (b"x-b", b"2")]))
    assert head.data == b"HTTP/1.1 200 OK\r\nx-a: 1\r\nx-b: 2\r\ntransfer-encoding: chunked\r\n\r\n"
    assert write_response_head(200, iter([(b"x-a", b"1"), (b"x-b", b"2")])).data == head.data
