"""TLS through a server over loopback sockets: the C transport on the C
engine vs the Python transport on the Python engine vs asyncio's SSL
transport (uvicorn's way), each server in its own process (tls_server.py);
"plain" is the C engine without TLS, for reference.

The client is stdlib ssl in this process, the same in every column, so the
figures are whole-system ones (client included) on the same machine. Run:
    pytest --benchmark-only packages/saltare-tls/bench/test_bench_engine.py
"""

import os
import resource
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent / "tls_server.py"
KINDS = ["c", "python", "asyncio", "plain"]
BULK = 32 * 1024 * 1024
IDLE = 1000
WAIT = 30.0


class Server:
    """tls_server.py KIND in a subprocess; stopped by closing its stdin."""

    def __init__(self, kind: str, config) -> None:
        self.kind = kind
        self.process = subprocess.Popen([sys.executable, str(SERVER), kind, config.certfile, config.keyfile],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.address = ("127.0.0.1", int(self.process.stdout.readline()))

    def rss(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(WAIT)
        self.process.stdout.close()


@pytest.fixture(params=KINDS)
def server(request, tls):
    if request.param in ("c", "plain"):
        pytest.importorskip("saltare_tls._native")
        pytest.importorskip("saltare_core._native")
    running = Server(request.param, tls[0])
    yield running
    running.stop()


def connect(server: Server, client_ctx: ssl.SSLContext) -> socket.socket:
    raw = socket.create_connection(server.address, timeout=WAIT)
    if server.kind == "plain":
        return raw
    return client_ctx.wrap_socket(raw, server_hostname="localhost")


def command(sock: socket.socket, op: bytes, size: int) -> None:
    sock.sendall(op + size.to_bytes(8, "big"))


def handshake_and_ping(server: Server, client_ctx: ssl.SSLContext) -> socket.socket:
    """A connection whose handshake the server has finished (it answered)."""
    sock = connect(server, client_ctx)
    command(sock, b"U", 0)
    assert sock.recv(1) == b"K"
    return sock


def with_server_cpu(benchmark, server: Server, run) -> None:
    """benchmark(run), then the server's CPU time per call of run (every call
    counted, calibration and warm-up included) into extra_info."""
    calls = 0

    def counted():
        nonlocal calls
        calls += 1
        run()

    before = server.cpu_seconds()
    if "MiB" in benchmark.extra_info:
        benchmark.pedantic(counted, rounds=20, warmup_rounds=1)
    else:
        benchmark(counted)
    per_call = (server.cpu_seconds() - before) / calls
    benchmark.extra_info["server_cpu_ms"] = round(per_call * 1000, 3)
    print(f"\n{server.kind}: server CPU {per_call * 1000:.3f} ms per call ({calls} calls)")


def test_handshake(benchmark, server, tls):
    _, client_ctx, _ = tls
    benchmark.extra_info["unit"] = "connect, full TLS 1.3 handshake, one round trip"
    with_server_cpu(benchmark, server, lambda: handshake_and_ping(server, client_ctx).close())


def test_bulk_download(benchmark, server, tls):
    _, client_ctx, _ = tls
    buffer = bytearray(1 << 20)
    with handshake_and_ping(server, client_ctx) as sock:

        def download():
            command(sock, b"D", BULK)
            got = 0
            while got < BULK:
                n = sock.recv_into(buffer, min(len(buffer), BULK - got))
                assert n
                got += n

        benchmark.extra_info["MiB"] = BULK / 2**20
        with_server_cpu(benchmark, server, download)


def test_bulk_upload(benchmark, server, tls):
    _, client_ctx, _ = tls
    block = bytes(1 << 20)
    with handshake_and_ping(server, client_ctx) as sock:

        def upload():
            command(sock, b"U", BULK)
            for _ in range(BULK // len(block)):
                sock.sendall(block)
            assert sock.recv(1) == b"K"

        benchmark.extra_info["MiB"] = BULK / 2**20
        with_server_cpu(benchmark, server, upload)


def test_rss_per_idle_connection(benchmark, server, tls):
    """Server RSS growth per TLS connection kept open after its handshake (and
    one round trip), in a fresh server process; OpenSSL's memory included."""
    _, client_ctx, _ = tls
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * IDLE)), hard))

    def measure():
        handshake_and_ping(server, client_ctx).close()  # first-use allocations are not per connection
        time.sleep(0.5)  # the server sees that close before the first reading
        before = server.rss()
        kept = [handshake_and_ping(server, client_ctx) for _ in range(IDLE)]
        after = server.rss()
        for sock in kept:
            sock.close()
        return (after - before) // IDLE

    per_connection = benchmark.pedantic(measure, rounds=1)
    benchmark.extra_info["bytes_per_idle_connection"] = per_connection
    print(f"\n{server.kind}: {per_connection} bytes of server RSS per idle TLS connection")
