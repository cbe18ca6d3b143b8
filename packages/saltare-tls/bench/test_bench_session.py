"""Handshakes/s, bulk MiB/s and memory per idle session: C session vs MemoryBIO session.

The client is stdlib ssl over MemoryBIOs in both cases (the same cost in each
column), and bytes move in memory, not through sockets, so the figures are
the server session's cost alone. Run:
    pytest --benchmark-only packages/saltare-tls/bench
"""

import os
import ssl
import subprocess
import sys

CHUNK = 16384
WRITE = 256 * 1024
BULK = 4 * 1024 * 1024


def handshake(backend, context, client_ctx):
    """A completed handshake: (server session, client SSLObject, client in, client out)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    session = backend.TLSSession(context)
    for _ in range(10):  # TLS 1.3 needs 2 flights; a bound, not a retry policy
        try:
            client.do_handshake()
            break
        except ssl.SSLWantReadError:
            pass
        session.receive(outgoing.read())
        incoming.write(session.data_to_send())
    session.receive(outgoing.read())
    assert session.handshake_done
    return session, client, incoming, outgoing


def test_handshake(benchmark, backend, tls):
    config, client_ctx, _ = tls
    context = backend.TLSContext(config)
    benchmark(handshake, backend, context, client_ctx)


def test_bulk_to_server(benchmark, backend, tls):
    config, client_ctx, _ = tls
    session, client, _, outgoing = handshake(backend, backend.TLSContext(config), client_ctx)
    block = os.urandom(CHUNK)

    def client_records():
        # Records carry sequence numbers: every round needs fresh ones (not timed).
        for _ in range(BULK // CHUNK):
            client.write(block)
        return (outgoing.read(),), {}

    benchmark.extra_info["MiB"] = BULK / 2**20
    plaintext = benchmark.pedantic(session.receive, setup=client_records, rounds=10)
    assert len(plaintext) == BULK


def test_bulk_from_server(benchmark, backend, tls):
    config, client_ctx, _ = tls
    session, _, _, _ = handshake(backend, backend.TLSContext(config), client_ctx)
    piece = os.urandom(WRITE)

    def encrypt():
        # As a server writing to a socket: encrypt a piece, take its records, repeat.
        total = 0
        for _ in range(BULK // WRITE):
            session.send(piece)
            total += len(session.data_to_send())
        return total

    benchmark.extra_info["MiB"] = BULK / 2**20
    assert benchmark(encrypt) > BULK


MEMORY_SCRIPT = """
import os, ssl, sys
sys.path.insert(0, {bench!r})
from test_bench_session import handshake
from saltare_tls import TLSConfig, _pybackend
if {name!r} == "python":
    backend = _pybackend
else:
    from saltare_tls import _cbackend as backend
client = ssl.create_default_context(cafile={cafile!r})
context = backend.TLSContext(TLSConfig({cert!r}, {key!r}))
handshake(backend, context, client)  # first-use allocations are not per session

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

before = rss()
kept = [handshake(backend, context, client)[0] for _ in range({count})]
print((rss() - before) // {count})
"""


def test_memory_per_idle_session(benchmark, backend, tls):
    """RSS growth per session kept open after its handshake, OpenSSL's memory included,
    measured in a fresh interpreter so that one backend's freed memory does not hide
    the other's. The client SSLObjects are dropped as they go."""
    config, _, cafile = tls
    script = MEMORY_SCRIPT.format(bench=os.path.dirname(__file__), name=backend.name, cafile=cafile,
                                  cert=config.certfile, key=config.keyfile, count=1000)

    def measure():
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=120, check=True)
        return int(out.stdout)

    per_session = benchmark.pedantic(measure, rounds=1)
    benchmark.extra_info["bytes_per_idle_session"] = per_session
    print(f"\n{backend.name}: {per_session} bytes of RSS per idle TLS session")
