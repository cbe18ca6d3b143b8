"""ASGI HTTP over the real server: scope, bodies both ways, framing, errors."""

import json
import os
import socket
import time

import h11
import httpx

WAIT = 10.0  # upper bound of every wait, seconds


def get_scope(server, path="/scope", **kwargs) -> dict:
    response = httpx.post(server.url + path, timeout=WAIT, **kwargs)
    assert response.status_code == 200
    return response.json()


def test_scope_has_every_key(server):
    scope = get_scope(server, "/scope/caf%C3%A9?x=1&y=%20", content=b"abc",
                      headers={"X-Custom": "Value", "x-custom": "two"})
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "POST"
    assert scope["scheme"] == "http"
    assert scope["root_path"] == "/mnt"
    assert scope["path"] == "/mnt/scope/café"
    assert scope["raw_path"] == "/scope/caf%C3%A9"
    assert scope["query_string"] == "x=1&y=%20"
    assert ["x-custom", "Value"] in scope["headers"] and ["x-custom", "two"] in scope["headers"]
    assert all(name == name.lower() for name, _ in scope["headers"])
    assert scope["client"][0] == "127.0.0.1" and isinstance(scope["client"][1], int)
    assert scope["server"] == ["127.0.0.1", server.port]
    assert scope["state"] == ["started_by"]
    assert scope["extensions"] == ["http.response.pathsend", "http.response.trailers",
                                   "http.response.zerocopysend"]
    assert scope["body_length"] == 3


def test_default_headers_and_extra_header(server):
    response = httpx.get(server.url + "/", timeout=WAIT)
    assert response.text == "hello"
    assert response.headers["server"] == "saltare"
    assert response.headers["x-extra"] == "yes"
    assert response.headers["date"].endswith(" GMT")


def test_streamed_response_is_chunked(server):
    with httpx.stream("GET", server.url + "/stream", timeout=WAIT) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.read() == b"".join(b"part %d\n" % i for i in range(5))


def test_streamed_upload_of_5_mib(server):
    size = 5 << 20

    def chunks():
        for _ in range(size // 65536):
            yield b"u" * 65536

    response = httpx.post(server.url + "/upload", content=chunks(), timeout=WAIT)
    assert response.text == str(size)
    response = httpx.post(server.url + "/upload", content=b"v" * size, timeout=WAIT)
    assert response.text == str(size)


def test_large_response_with_backpressure(server):
    response = httpx.get(server.url + "/big?8388608", timeout=WAIT)
    assert len(response.content) == 8388608


def test_a_whole_large_body_in_one_message_arrives_intact(server, raw):
    """Head and body leave in one writev, not joined; what the socket does
    not take at once is queued behind the head, in order."""
    size = 4 << 20
    response = httpx.get(server.url + f"/whole?{size}", timeout=WAIT)
    assert response.headers["content-length"] == str(size)
    assert response.content == bytes(range(256)) * (size // 256)
    # Pipelined behind a large response, the next one comes after it, whole.
    request = b"GET /whole?65536 HTTP/1.1\r\nhost: x\r\n\r\n"
    data = raw(server.port, request + request.replace(b"\r\n\r\n", b"\r\nconnection: close\r\n\r\n"))
    first, second = data.split(b"HTTP/1.1 200 OK")[1:]
    for answer in (first, second):
        assert answer.partition(b"\r\n\r\n")[2] == bytes(range(256)) * 256


def test_body_as_bytearray_or_memoryview(server):
    """The spec says bytes; other buffers are taken as their bytes (as other servers do)."""
    for kind in ("bytearray", "memoryview"):
        # the batched small path, the direct large one, and a streamed body
        for query in ("512", "1048576", "1048576&halves"):
            response = httpx.get(server.url + f"/whole?{query}&{kind}", timeout=WAIT)
            assert response.content == bytes(range(256)) * (int(query.split("&")[0]) // 256)


def test_a_client_that_pipelines_without_reading_is_cut_off_alone(server, raw):
    """Answers queue up to the engine's write cap (max_pending, 4 MiB); past it
    the connection is aborted, and the worker goes on serving the others."""
    request = b"GET /whole?1048576 HTTP/1.1\r\nhost: x\r\n\r\n"
    with socket.socket() as greedy:
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.connect(("127.0.0.1", server.port))
        greedy.sendall(request * 64)
        greedy.settimeout(WAIT)
        ended = False
        deadline = time.monotonic() + WAIT
        time.sleep(0.5)  # the server answers what it can and queues the rest
        try:
            while time.monotonic() < deadline:
                if not greedy.recv(1 << 20):
                    ended = True
                    break
        except ConnectionResetError:
            ended = True
        assert ended
    assert httpx.get(server.url + "/", timeout=WAIT).status_code == 200


def test_head_has_no_body(server, raw):
    data = raw(server.port, b"HEAD / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"content-length: 5" in head
    assert body == b""


def split_responses(data: bytes) -> list[bytes]:
    """Bodies of back-to-back responses framed by Content-Length (as the test app's are)."""
    bodies = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(line for line in head.split(b"\r\n") if line.startswith(b"content-length")).split(b":")[1])
        bodies.append(rest[:length])
        data = rest[length:]
    return bodies


def test_pipelined_requests_answer_in_order(server, raw):
    requests = b"".join(b"GET /scope?n=%d HTTP/1.1\r\nhost: x\r\n\r\n" % i for i in range(5))
    requests += b"GET /slow?0.2 HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    bodies = split_responses(raw(server.port, requests))
    assert [json.loads(b)["query_string"] for b in bodies[:5]] == [f"n={i}" for i in range(5)]
    assert bodies[5:] == [b"slow done", b"hello"]


def test_responses_are_written_while_another_request_is_in_flight(server, raw):
    """Whole responses wait for the end of their loop iteration, never for
    the other requests in flight: /hold is answered only after /release."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as held:
        held.sendall(b"GET /hold HTTP/1.1\r\nhost: x\r\n\r\n")
        pipelined = b"GET / HTTP/1.1\r\nhost: x\r\n\r\n" * 3 + b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        assert raw(server.port, pipelined).count(b"hello") == 4
        assert raw(server.port, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n", until=b"hello").endswith(b"hello")
        assert raw(server.port, b"GET /release HTTP/1.1\r\nhost: x\r\n\r\n", until=b"released")
        got = b""
        while b"held" not in got:
            piece = held.recv(4096)
            assert piece, got
            got += piece
        assert got.startswith(b"HTTP/1.1 200 OK\r\n")


def test_h11_client_keep_alive_cycles(server):
    client = h11.Connection(h11.CLIENT)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        for i in range(3):
            body = b"%d" % i * 10
            sock.sendall(client.send(h11.Request(method="POST", target="/upload",
                                                 headers=[("host", "x"), ("content-length", str(len(body)))])))
            sock.sendall(client.send(h11.Data(data=body)) + client.send(h11.EndOfMessage()))
            got = b""
            while True:
                event = client.next_event()
                if event is h11.NEED_DATA:
                    client.receive_data(sock.recv(65536))
                elif isinstance(event, h11.Response):
                    assert event.status_code == 200
                elif isinstance(event, h11.Data):
                    got += event.data
                elif isinstance(event, h11.EndOfMessage):
                    break
            assert got == b"%d" % len(body)
            client.start_next_cycle()


def test_keep_alive_reuses_one_connection(server):
    with httpx.Client(timeout=WAIT) as client:
        ports = {client.get(server.url + "/scope").json()["client"][1] for _ in range(5)}
    assert len(ports) == 1


def test_expect_100_continue_answered_on_receive(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall(b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n")
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        data = b""
        while not data.endswith(b"\r\n\r\n5"):
            piece = sock.recv(1024)
            assert piece
            data += piece
        assert data.startswith(b"HTTP/1.1 200")


def test_trailers(server, raw):
    data = raw(server.port, b"GET /trailers HTTP/1.1\r\nhost: x\r\nte: trailers\r\n\r\n",
                        until=b"\r\n0\r\nx-checksum: abc\r\n\r\n")
    assert data.endswith(b"d\r\nwith trailers\r\n0\r\nx-checksum: abc\r\n\r\n")


def test_pathsend_uses_the_file(server):
    response = httpx.get(server.url + "/pathsend", timeout=WAIT)
    with open(os.path.join(os.path.dirname(__file__), "apps", "testapps.py"), "rb") as file:
        assert response.content == file.read()


def test_zerocopysend_with_offsets(server):
    response = httpx.get(server.url + "/zerocopy", timeout=WAIT)
    assert response.headers["transfer-encoding"] == "chunked"
    with open(os.path.join(os.path.dirname(__file__), "apps", "testapps.py"), "rb") as file:
        data = file.read()
    assert response.content == data[10:30] + data[:10]


def test_app_exception_before_start_is_500_and_worker_lives(server):
    response = httpx.get(server.url + "/raise", timeout=WAIT)
    assert response.status_code == 500
    assert httpx.get(server.url + "/", timeout=WAIT).text == "hello"
    assert "boom from the app" in server.output()


def test_app_exception_after_start_closes_connection(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /raise-after-start HTTP/1.1\r\nhost: x\r\n\r\n")
        data = b""
        while piece := sock.recv(65536):
            data += piece
    assert data.startswith(b"HTTP/1.1 200") and b"partial" in data
    assert not data.endswith(b"0\r\n\r\n")  # the body is cut, not completed


def test_app_without_response_is_500(server):
    assert httpx.get(server.url + "/no-response", timeout=WAIT).status_code == 500


def test_body_longer_than_content_length_closes(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /too-long HTTP/1.1\r\nhost: x\r\n\r\n")
        data = b""
        while piece := sock.recv(65536):
            data += piece
    assert b"toolong" not in data


def test_garbage_is_400_and_server_still_serves(server, raw):
    data = raw(server.port, b"\x00\x01garbage\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400")
    data = raw(server.port, b"GET / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400")
    assert httpx.get(server.url + "/", timeout=WAIT).text == "hello"


def test_an_interim_status_from_the_app_is_500(server, raw):
    for status in (b"100", b"101", b"103", b"600"):
        data = raw(server.port, b"GET /answer?%s HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n" % status)
        assert data.startswith(b"HTTP/1.1 500 ") and data.count(b"HTTP/1.1") == 1  # and closed


def test_connect_is_501_and_closed(server, raw):
    data = raw(server.port, b"CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n"
                            b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 501 Not Implemented\r\n") and b"connection: close" in data
    assert data.count(b"HTTP/1.1") == 1


def test_bodiless_statuses_framed_as_the_rfc_says(server, raw):
    requests = (b"GET /answer?204&content-length:0 HTTP/1.1\r\nhost: x\r\n\r\n"
                b"GET /answer?205 HTTP/1.1\r\nhost: x\r\n\r\n"
                b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    first, second, third = raw(server.port, requests).split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"204 No Content\r\n") and b"content-length" not in first and first.endswith(b"\r\n\r\n")
    assert second.startswith(b"205 Reset Content\r\n") and b"\r\ncontent-length: 0\r\n" in second and second.endswith(b"\r\n\r\n")
    assert third.startswith(b"200 OK\r\n") and third.endswith(b"hello")  # the connection stayed in step


def test_the_apps_date_and_server_are_sent_once(server, raw):
    data = raw(server.port, b"GET /answer?200&date:Mon&server:mine HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    head = data.partition(b"\r\n\r\n")[0].lower()
    assert head.count(b"\r\ndate: ") == 1 and b"date: mon" in head
    assert head.count(b"\r\nserver: ") == 1 and b"server: mine" in head


def test_header_flags_replace_the_servers_own_date_and_server(serve, raw):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--header", "server: custom", "--header", "date: fixed")
    for request in (b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", b"\x00garbage\r\n\r\n"):
        head = raw(served.port, request).partition(b"\r\n\r\n")[0]
        assert head.count(b"\r\nserver: ") == 1 and b"\r\nserver: custom" in head
        assert head.count(b"\r\ndate: ") == 1 and b"\r\ndate: fixed" in head


def test_the_servers_own_errors_carry_date_and_server(server, raw):
    for request in (b"\x00garbage\r\n\r\n", b"GET /%s HTTP/1.1\r\nhost: x\r\n\r\n" % (b"a" * 9000)):
        head = raw(server.port, request).partition(b"\r\n\r\n")[0]
        assert head.startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 414 URI Too Long"))
        assert b"\r\ndate: " in head and b"\r\nserver: saltare" in head


def test_an_answer_before_the_body_arrived_says_close(server, raw):
    data = raw(server.port, b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\nexpect: 100-continue\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close\r\n" in data
    assert b"100 Continue" not in data and data.endswith(b"hello")


def test_a_head_ending_in_a_bare_lf_is_refused_at_once(server, raw):
    for request in (b"GET / HTTP/1.1\r\nhost: x\r\n\n", b"GET / HTTP/1.1\r\nhost: x\nx-a: 1\n\n"):
        data = raw(server.port, request)  # before: nothing until the header timeout closed it
        assert data.startswith(b"HTTP/1.1 400 ") and b"connection: close" in data


def test_absolute_form_targets(server, raw):
    data = raw(server.port, b"GET http://other.example:8080/scope/x?q=1 HTTP/1.1\r\nhost: evil\r\nconnection: close\r\n\r\n")
    scope = json.loads(data.partition(b"\r\n\r\n")[2])
    assert scope["raw_path"] == "/scope/x" and scope["query_string"] == "q=1"
    assert dict(scope["headers"])["host"] == "other.example:8080"  # the target's, not the field's
    for target in (b"http:///scope", b"http:scope", b"mailto:a@b", b"example.com:443/scope", b"http://u@h/scope"):
        data = raw(server.port, b"GET %s HTTP/1.1\r\nhost: x\r\n\r\n" % target)
        assert data.startswith(b"HTTP/1.1 400 "), target


def test_http_1_0_response_is_closed(server, raw):
    data = raw(server.port, b"GET /stream HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200") and b"connection: close" in data
    assert data.endswith(b"part 4\n")


def test_client_disconnect_mid_response(serve, tmp_path):
    marker = tmp_path / "sent"
    served = serve("testapps:app", "--app-dir", "tests/apps", env={"DISCONNECT_MARKER": str(marker)})
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /disconnect HTTP/1.1\r\nhost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    for _ in range(200):
        if marker.exists() and marker.read_text():
            break
        time.sleep(0.05)
    assert marker.read_text() == "http.disconnect"  # sends became no-ops, then receive() said so
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_client_leaving_a_long_poll_is_noticed(serve, tmp_path):
    """The app never writes: the disconnect must come from the engine watching
    the idle connection, not from a failed send."""
    marker = tmp_path / "received"
    served = serve("testapps:app", "--app-dir", "tests/apps", env={"DISCONNECT_MARKER": str(marker)})
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /long-poll HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.2)  # let the app reach its receive()
    for _ in range(200):
        if marker.exists() and marker.read_text():
            break
        time.sleep(0.05)
    assert marker.read_text() == "http.disconnect"
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_slowloris_is_reaped(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--header-timeout", "0.5")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n")
        deadline = time.monotonic() + WAIT
        data = b"?"
        while data and time.monotonic() < deadline:
            try:
                sock.sendall(b"x-slow: 1\r\n")
            except OSError:
                break
            time.sleep(0.1)
            sock.settimeout(0.05)
            try:
                data = sock.recv(1024)
            except TimeoutError:
                data = b"?"
            except OSError:
                break
        assert time.monotonic() < deadline, "the slow client was never cut off"


def test_a_head_not_finished_in_time_gets_408(serve, raw):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--header-timeout", "0.5")
    data = raw(served.port, b"GET / HTTP/1.1\r\nhost: x\r\n")
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"\r\nconnection: close\r\n" in data
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_limit_concurrency_answers_503(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--limit-concurrency", "1")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as slow:
        slow.sendall(b"GET /slow?1 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.2)
        assert httpx.get(served.url + "/", timeout=WAIT).status_code == 503
        assert slow.recv(1024).startswith(b"HTTP/1.1 200")
    assert httpx.get(served.url + "/", timeout=WAIT).status_code == 200


def test_proxy_headers_from_trusted_peer(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")
    scope = httpx.get(served.url + "/scope", timeout=WAIT,
                      headers={"x-forwarded-for": "203.0.113.7, 127.0.0.1", "x-forwarded-proto": "https"}).json()
    assert scope["client"][0] == "203.0.113.7"
    assert scope["scheme"] == "https"


def test_proxy_headers_from_an_untrusted_peer_are_ignored(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--proxy-headers", "--forwarded-allow-ips", "10.0.0.1")
    scope = httpx.get(served.url + "/scope", timeout=WAIT,
                      headers={"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}).json()
    assert scope["client"][0] == "127.0.0.1" and scope["scheme"] == "http"


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes the connection before `seconds` pass (what
    arrives before the close is read and dropped)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_keep_alive_and_body_timeouts_close_in_time(serve):
    # The defaults (5 s, 30 s) would outlast the 3 s the client waits.
    served = serve("testapps:app", "--app-dir", "tests/apps", "--timeout-keep-alive", "0.3", "--body-timeout", "0.3")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as idle:
        idle.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        assert closed_within(idle, 3.0)
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as stalled:
        stalled.sendall(b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc")
        stalled.settimeout(3.0)
        assert stalled.recv(4096).startswith(b"HTTP/1.1 408 Request Timeout\r\n")  # RFC 9110 §15.5.9
        assert closed_within(stalled, 3.0)


def test_max_connections_per_ip(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--max-connections-per-ip", "1")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as first:
        first.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        assert first.recv(4096).startswith(b"HTTP/1.1 200")
        with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as second:
            assert closed_within(second, WAIT)  # accepted and closed at once
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"  # the first one has gone


def test_write_timeout_cuts_off_a_client_that_never_reads(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--write-timeout", "0.3")
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(WAIT)
        sock.connect(("127.0.0.1", served.port))
        sock.sendall(b"GET /big?268435456 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(1.0)  # not reading: the server's writes make no progress
        received = 0
        try:
            while piece := sock.recv(1 << 20):
                received += len(piece)
        except ConnectionResetError:
            pass
    assert received < 268435456
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_access_log_line(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--access-log", "--no-server-header", "--no-date-header")
    response = httpx.get(served.url + "/scope?q=1", timeout=WAIT)
    assert "server" not in response.headers and "date" not in response.headers
    for _ in range(100):
        if "[GET] [/scope] [200]" in served.output():
            break
        time.sleep(0.05)
    line = next(line for line in served.output().splitlines() if "[GET] [/scope]" in line)
    stamp, rest = line.split(" ", 1)
    assert len(stamp) == 19 and stamp[2] == stamp[5] == "/" and stamp[10] == ":"
    assert rest.startswith("[GET] [/scope] [200] [")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as file:
        return int(file.read().split("VmRSS:")[1].split()[0])


def test_upload_memory_stays_bounded(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps")
    httpx.post(served.url + "/upload", content=b"w" * 65536, timeout=WAIT)
    before = rss_kib(served.proc.pid)
    for _ in range(3):
        response = httpx.post(served.url + "/upload", content=(b"z" * 65536 for _ in range(80)), timeout=WAIT)
        assert response.text == str(80 * 65536)
    assert rss_kib(served.proc.pid) - before < 4096  # 15 MiB went through; far less stayed


def test_500_concurrent_connections(serve):
    served = serve("testapps:app", "--app-dir", "tests/apps")
    socks = []
    try:
        for _ in range(500):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=WAIT)
            sock.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            socks.append(sock)
        for sock in socks:
            data = b""
            while not data.endswith(b"hello"):
                piece = sock.recv(4096)
                assert piece
                data += piece
    finally:
        for sock in socks:
            sock.close()
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_limits_give_413_414_431(serve, raw):
    served = serve("testapps:app", "--app-dir", "tests/apps", "--max-request-body", "10",
                   "--max-request-uri", "64", "--max-request-head-bytes", "1024")
    data = raw(served.port, b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n" + b"b" * 100)
    assert data.startswith(b"HTTP/1.1 413")
    data = raw(served.port, b"GET /" + b"u" * 100 + b" HTTP/1.1\r\nhost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 414")
    data = raw(served.port, b"GET / HTTP/1.1\r\nhost: x\r\nx-big: " + b"h" * 2000 + b"\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 431")
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"
