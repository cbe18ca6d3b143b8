"""Lifespan, signals, exit codes, pre-fork workers: the real CLI in a subprocess."""

import os
import signal
import socket
import sys
import time

import httpx
import pytest

WAIT = 10.0
APP = ("--app-dir", "tests/apps")


def wait_for(predicate, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_lifespan_state_reaches_scopes_and_shutdown_runs(serve, tmp_path):
    marker = tmp_path / "shutdown"
    served = serve("testapps:app", *APP, env={"SHUTDOWN_MARKER": str(marker)})
    scope = httpx.get(served.url + "/scope", timeout=WAIT).json()
    assert scope["state"] == ["started_by"]
    served.signal(signal.SIGTERM)
    assert served.wait_exit() == 0
    assert marker.read_text() == "shutdown ran"


def test_sigterm_lets_a_slow_request_finish(serve):
    served = serve("testapps:app", *APP)
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /slow?1 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.3)
        served.signal(signal.SIGTERM)
        data = b""
        while piece := sock.recv(4096):
            data += piece
    assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"slow done")
    assert b"connection: close" in data  # draining: not kept alive
    assert served.wait_exit() == 0
    # No longer accepting.
    try:
        socket.create_connection(("127.0.0.1", served.port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    assert refused


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_draining_server_refuses_new_connections(serve, workers):
    served = serve("testapps:app", *APP, "--workers", workers)
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /slow?30 HTTP/1.1\r\nhost: x\r\n\r\n")  # in flight for the whole test
        time.sleep(0.3)
        served.signal(signal.SIGTERM)

        def refused() -> bool:
            try:  # a SYN that meets the shutdown itself is dropped: refused on its retry, 1 s later
                socket.create_connection(("127.0.0.1", served.port), timeout=WAIT).close()
            except ConnectionRefusedError:
                return True
            except ConnectionResetError:  # it was queued when the listener shut: try again
                pass
            return False

        wait_for(refused, "a new connection to be refused")
        assert served.proc.poll() is None  # refused during the drain, not after the exit
        served.signal(signal.SIGTERM)  # a second signal: no need to wait for the slow request
        assert served.wait_exit() == 1


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_process_group_drains_the_workers(serve, signum):
    """Ctrl-C and systemd signal every process: a worker gets it twice (from
    the master too), and that is not a second signal."""
    served = serve("testapps:app", *APP, "--workers", "2")
    clients = [socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) for _ in range(4)]
    for sock in clients:
        sock.sendall(b"GET /slow?1 HTTP/1.1\r\nhost: x\r\n\r\n")
    time.sleep(0.3)
    os.killpg(served.proc.pid, signum)
    for sock in clients:
        with sock:
            data = b""
            while piece := sock.recv(4096):
                data += piece
        assert data.endswith(b"slow done")
    assert served.wait_exit() == 0
    assert "second signal" not in served.output()


def test_graceful_timeout_bounds_the_drain(serve):
    served = serve("testapps:app", *APP, "--timeout-graceful-shutdown", "0.5")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /slow?30 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.3)
        served.signal(signal.SIGTERM)
        assert served.wait_exit() == 0


def test_second_signal_exits_at_once(serve):
    served = serve("testapps:app", *APP)
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /slow?30 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.3)
        served.signal(signal.SIGINT)
        time.sleep(0.2)
        served.signal(signal.SIGINT)
        assert served.wait_exit() == 1


def test_lifespan_on_requires_it_and_off_skips_it(serve):
    served = serve("testapps:no_lifespan", *APP, "--lifespan", "on", ready=False)
    assert served.wait_exit() == 3
    served = serve("testapps:failing_startup", *APP, "--lifespan", "off")  # its startup would fail
    assert httpx.get(served.url + "/", timeout=WAIT).status_code == 500  # served: it answers nothing


def test_workers_0_is_one_per_cpu_and_log_level_quiets_the_start(serve):
    served = serve("testapps:app", *APP, "--workers", "0")
    count = os.cpu_count()
    announced = f"({count} worker{'s' if count != 1 else ''},"
    wait_for(lambda: announced in served.output(), "the start-up line")  # the master writes it after the fork
    assert len(worker_pids(served, count)) == count
    quiet = serve("testapps:app", *APP, "--log-level", "warning")
    assert httpx.get(quiet.url + "/", timeout=WAIT).text == "hello"
    assert "serving on" not in quiet.output()


def test_lifespan_auto_tolerates_apps_without_it(serve):
    served = serve("testapps:no_lifespan", *APP)
    assert httpx.get(served.url + "/", timeout=WAIT).text == "no lifespan here"


@pytest.mark.parametrize("target", [("testapps:make_app", "--factory"), ("testapps:make_app()",)])
def test_factory(serve, target):
    served = serve(*target, *APP)
    assert httpx.get(served.url + "/", timeout=WAIT).text == "no lifespan here"


def test_startup_failure_exits_3_with_the_apps_message(serve):
    served = serve("testapps:failing_startup", *APP, ready=False)
    assert served.wait_exit() == 3
    assert "database unreachable" in served.output()


def test_startup_failure_in_workers_exits_3(serve):
    served = serve("testapps:failing_startup", *APP, "--workers", "2", ready=False)
    assert served.wait_exit() == 3
    assert "database unreachable" in served.output()


def test_optimize_reexecs_under_OO(serve):
    served = serve("testapps:app", *APP, "--optimize")
    with open(f"/proc/{served.proc.pid}/cmdline", "rb") as file:
        assert b"\0-OO\0" in file.read()
    assert httpx.get(served.url + "/", timeout=WAIT).text == "hello"


def test_serving_process_is_a_fresh_interpreter(serve):
    """The CLI re-execs once its flags are parsed: argparse stays behind, and
    neither the options variable nor our MALLOC_ARENA_MAX reaches the app."""
    served = serve("testapps:app", *APP)
    found = httpx.get(served.url + "/process", timeout=WAIT).json()
    assert found == {"argparse": False, "SALTARE_SERVE_OPTIONS": False, "MALLOC_ARENA_MAX": False}
    served = serve("testapps:app", *APP, env={"MALLOC_ARENA_MAX": "1"})
    assert httpx.get(served.url + "/process", timeout=WAIT).json()["MALLOC_ARENA_MAX"] is True


def test_import_failure_exits_1_naming_the_module(serve):
    served = serve("no_such_module_here:app", *APP, ready=False)
    assert served.wait_exit() == 1
    lines = served.output().strip().splitlines()
    assert len(lines) == 1 and "no_such_module_here" in lines[0]
    served = serve("testapps:missing", *APP, ready=False)
    assert served.wait_exit() == 1
    assert "testapps" in served.output() and "missing" in served.output()


def test_bad_flag_value_exits_2_with_one_line(serve):
    for args in (["--port", "http"], ["--workers", "-1"], ["--lifespan", "maybe"], ["--no-such-flag"]):
        served = serve(*args, ready=False, port=False)
        assert served.wait_exit() == 2
        lines = served.output().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("saltare: error:"), lines


def test_env_var_and_env_file(serve, tmp_path):
    env_file = tmp_path / "server.env"
    env_file.write_text("# comment\nexport SALTARE_ROOT_PATH='/from-file'\nGREETING=hi\n")
    served = serve("testapps:app", *APP, "--env-file", str(env_file), env={"SALTARE_ACCESS_LOG": "true"})
    scope = httpx.get(served.url + "/scope", timeout=WAIT).json()
    assert scope["root_path"] == "/from-file"
    wait_for(lambda: "[GET] [/from-file/scope]" in served.output(), "the access log line")
    bad = serve("testapps:app", *APP, env={"SALTARE_PORT": "eighty"}, ready=False)
    assert bad.wait_exit() == 2 and "SALTARE_PORT" in bad.output()


def test_unix_socket(serve, tmp_path):
    path = str(tmp_path / "s.sock")
    served = serve("testapps:app", *APP, "--uds", path, ready=False, port=False)
    wait_for(lambda: os.path.exists(path) and "serving on unix:" in served.output(), "the unix socket")
    transport = httpx.HTTPTransport(uds=path)
    with httpx.Client(transport=transport, timeout=WAIT) as client:
        scope = client.get("http://x/scope").json()
    assert scope["client"] is None and scope["server"][0] == path
    served.signal(signal.SIGTERM)
    assert served.wait_exit() == 0
    assert not os.path.exists(path)


def test_inherited_listening_socket(serve):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        served = serve("testapps:app", *APP, "--fd", str(listener.fileno()), ready=False, port=False,
                       pass_fds=[listener.fileno()])
        served.port = port
        served.wait_ready()
        assert httpx.get(served.url + "/scope", timeout=WAIT).json()["server"] == ["127.0.0.1", port]


def free_ipv6_port() -> int | None:
    """A free port on ::1, or None when this machine has no IPv6 loopback."""
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
            return sock.getsockname()[1]
    except OSError:
        return None


def test_ipv6_listener(serve):
    port = free_ipv6_port()
    if port is None:
        pytest.skip("no IPv6 loopback here")
    served = serve("testapps:app", *APP, "--host", "::1", "--port", str(port), ready=False, port=False)
    wait_for(lambda: f"serving on http://[::1]:{port}" in served.output(), "the IPv6 listener")
    scope = httpx.get(f"http://[::1]:{port}/scope", timeout=WAIT).json()
    assert scope["server"] == ["::1", port]
    assert scope["client"][0] == "::1" and scope["client"][1] > 0
    assert httpx.get(f"http://[::1]:{port}/scope", headers={"host": "[::1]"}, timeout=WAIT).status_code == 200


def worker_pids(served, count: int) -> set:
    pids = set()
    with httpx.Client(timeout=WAIT, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for _ in range(200):
            pids.add(client.get(served.url + "/scope").json()["pid"])
            if len(pids) >= count:
                break
    return pids


def test_workers_share_the_port_and_a_killed_one_is_replaced(serve):
    served = serve("testapps:app", *APP, "--workers", "2")
    pids = worker_pids(served, 2)
    assert len(pids) == 2 and served.proc.pid not in pids
    victim = pids.pop()
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: "died unexpectedly" in served.output(), "the restart log line")
    fresh = set()
    wait_for(lambda: fresh.update(worker_pids(served, 2)) or len(fresh - {victim}) >= 2, "a replacement worker")
    assert victim not in worker_pids(served, 2)
    served.signal(signal.SIGTERM)
    assert served.wait_exit() == 0


def test_workers_drain_a_slow_request_on_sigterm(serve):
    served = serve("testapps:app", *APP, "--workers", "2")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /slow?1 HTTP/1.1\r\nhost: x\r\n\r\n")
        time.sleep(0.3)
        served.signal(signal.SIGTERM)
        data = b""
        while piece := sock.recv(4096):
            data += piece
    assert data.endswith(b"slow done")
    assert served.wait_exit() == 0


def test_limit_max_requests_recycles_the_worker(serve):
    served = serve("testapps:app", *APP, "--workers", "2", "--limit-max-requests", "3")
    seen = set()
    with httpx.Client(timeout=WAIT, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for _ in range(40):
            try:
                seen.add(client.get(served.url + "/scope").json()["pid"])
            except httpx.TransportError:
                pass  # a connection that raced a draining worker
    assert len(seen) > 2
    assert "recycled" in served.output()


def test_limit_max_requests_replaces_a_lone_worker_and_says_close_first(serve):
    served = serve("testapps:app", *APP, "--limit-max-requests", "3")
    answers = []
    with httpx.Client(timeout=WAIT) as client:  # keep-alive: no connection may be cut off
        for _ in range(10):
            response = client.get(served.url + "/scope")
            answers.append((response.json()["pid"], response.headers.get("connection")))
    assert len({pid for pid, _ in answers}) >= 3
    for (pid, connection), (next_pid, _) in zip(answers, answers[1:]):
        if next_pid != pid:
            assert connection == "close"  # a worker's last response says so
    assert "draining this worker" in served.output() and "recycled" in served.output()


def test_workers_stop_when_the_master_is_killed(serve):
    served = serve("testapps:app", *APP, "--workers", "2")
    pids = worker_pids(served, 2)
    os.kill(served.proc.pid, signal.SIGKILL)
    served.wait_exit()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(") ")[1].startswith("Z")

    wait_for(lambda: all(gone(pid) for pid in pids), "the workers to exit (PR_SET_PDEATHSIG)")
    assert sys.platform.startswith("linux")
