"""Bytes per idle keep-alive connection: a server process with the engine,
N clients that each make one request and then stay idle.

    python idle_memory.py [c|python] [N]      # prints RSS before/after and per connection

The server runs in its own process so that the clients' sockets and Python
objects are not counted; RSS is read from /proc/<pid>/statm. The read
buffers the requests used go back to the pool and are released after
`buffer_idle_release`: it is short here, and RSS is read once it has passed,
so the figure is what the idle connections hold, not the burst's buffers.
"""

import os
import resource
import socket
import subprocess
import sys
import textwrap
import time

SERVER = textwrap.dedent("""
    import os, resource, select, sys
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import saltare_http1._cbackend, saltare_http1._pybackend
    from saltare_core import EngineConfig, events, listeners
    if sys.argv[1] == "c":
        from saltare_core import _cbackend as backend
        http1 = saltare_http1._cbackend.c_api_address()
    else:
        from saltare_core import _pybackend as backend
        http1 = saltare_http1._pybackend
    engine = backend.Engine(EngineConfig(keepalive_timeout=600, header_timeout=600, buffer_idle_release=0.1),
                            http1=http1)
    listener = listeners.tcp("127.0.0.1", 0)
    engine.add_listener(listener)
    print(listener.getsockname()[1], flush=True)
    while True:
        ready, _, _ = select.select([engine.fileno(), sys.stdin], [], [], engine.next_deadline())
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line:
                break
            print(engine.stats()["connections"], flush=True)
        for event in engine.poll():
            if event.kind == events.HEAD:
                engine.write(event.handle, b"HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\nok")
                engine.finish(event.handle)
""")


SWEPT = 0.5  # seconds: buffer_idle_release (0.1 s) and the sweep's tick have passed


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def connect_idle(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        socks.append(sock)
    for sock in socks:
        data = b""
        while not data.endswith(b"ok"):
            chunk = sock.recv(100)
            assert chunk, "server closed"
            data += chunk
    return socks


def measure(backend: str = "c", n: int = 2000) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    proc = subprocess.Popen([sys.executable, "-c", SERVER, backend], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    socks = []
    try:
        port = int(proc.stdout.readline())
        socks += connect_idle(port, 50)  # warm-up: pools, code paths, allocator arenas
        for sock in socks:
            sock.close()
        socks = []
        time.sleep(SWEPT)
        proc.stdin.write("?\n")
        proc.stdin.flush()
        proc.stdout.readline()
        before = rss(proc.pid)
        socks = connect_idle(port, n)
        time.sleep(SWEPT)
        proc.stdin.write("?\n")
        proc.stdin.flush()
        open_now = int(proc.stdout.readline())
        after = rss(proc.pid)
    finally:
        for sock in socks:
            sock.close()
        proc.stdin.close()
        proc.wait(timeout=30)
    return {"backend": backend, "connections": open_now, "rss_before": before, "rss_after": after,
            "bytes_per_connection": (after - before) / n}


if __name__ == "__main__":
    result = measure(sys.argv[1] if len(sys.argv) > 1 else "c", int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
    print(result)
