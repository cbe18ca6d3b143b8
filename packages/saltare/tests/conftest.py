import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

WAIT = 10.0  # upper bound of every wait on a server or a socket, seconds
APPS = Path(__file__).parent / "apps"
PACKAGE = Path(__file__).parent.parent


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The environment selecting saltare-core/-http1's backend in the server
    subprocess: each test runs once per backend."""
    if request.param == "c":
        try:
            from saltare_core import _cbackend  # noqa: F401
            from saltare_http1 import _cbackend as _http1  # noqa: F401
        except ImportError as exc:
            if os.environ.get("SALTARE_REQUIRE_C") == "1":
                pytest.fail(f"SALTARE_REQUIRE_C=1 but a C backend is not built: {exc}")
            pytest.skip(f"C backend not built: {exc}")
        return {"SALTARE_PURE": "0"}
    return {"SALTARE_PURE": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALTARE_") or k == "SALTARE_REQUIRE_C"}
    env.update(extra)
    return env


class Served:
    """A `python -m saltare` subprocess in its own process group."""

    def __init__(self, args, env: dict, port: int | None, cwd=None, pass_fds=()) -> None:
        self.port = port
        self.log = tempfile.TemporaryFile()
        cmd = [sys.executable, "-m", "saltare", *args]
        if port is not None:
            cmd += ["--host", "127.0.0.1", "--port", str(port)]
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd or PACKAGE, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, pass_fds=pass_fds)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def wait_ready(self) -> "Served":
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as sock:
                    sock.sendall(b"GET /ready HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                    if sock.recv(16).startswith(b"HTTP/1.1"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"server not ready in {WAIT} s:\n{self.output()}")

    def wait_exit(self, timeout: float = WAIT) -> int:
        return self.proc.wait(timeout)

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(3)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the workers too
        except ProcessLookupError:
            pass
        self.proc.wait(WAIT)
        self.log.close()


@pytest.fixture
def serve(backend):
    """serve(*args, env=None, ready=True) -> Served on a free port; stopped after the test."""
    started = []

    def start(*args, env=None, ready=True, port=True, cwd=None, pass_fds=()) -> Served:
        served = Served(list(args), clean_env({**backend, **(env or {})}), free_port() if port else None, cwd,
                        pass_fds)
        started.append(served)
        return served.wait_ready() if ready else served

    yield start
    for served in started:
        served.stop()


APP = ("testapps:app", "--app-dir", str(APPS))


@pytest.fixture(scope="module")
def server(backend):
    """One server with the test app per backend, shared by a module's read-only tests."""
    served = Served([*APP, "--header", "x-extra: yes", "--root-path", "/mnt"], clean_env(backend), free_port())
    try:
        yield served.wait_ready()
    finally:
        served.stop()


def raw_exchange(port: int, data: bytes, until=b"", timeout: float = WAIT) -> bytes:
    """Send bytes, read until `until` is seen or the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        got = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            piece = sock.recv(65536)
            if not piece:
                break
            got += piece
            if until and until in got:
                break
        return got


@pytest.fixture(scope="session")
def raw():
    """raw(port, data, until=b"") -> bytes: one exchange on a plain socket."""
    return raw_exchange
