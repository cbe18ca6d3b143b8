"""CPU the server uses while one request awaits asyncio.sleep(5).

    python packages/saltare/bench/await_cpu.py [SALTARE]   # default: the saltare next to this Python

Starts the server on 127.0.0.1 with an app that sleeps 5 s before answering,
sends one request, and reads the server's utime+stime from /proc over 4 s
of that wait (10 ms ticks: 0.5 % is two ticks).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = '''
import asyncio


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await asyncio.sleep(5)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    saltare = sys.argv[1] if len(sys.argv) > 1 else str(Path(sys.executable).with_name("saltare"))
    port = free_port()
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "sleepy.py").write_text(APP)
        cmd = [saltare, "sleepy:app", "--app-dir", app_dir, "--port", str(port), "--lifespan", "off"]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                time.sleep(0.5)
                cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
                time.sleep(4)
                cpu1, t1 = cpu_seconds(server.pid), time.monotonic()
                assert client.recv(100).startswith(b"HTTP/1.1 200")
        finally:
            server.terminate()
            server.wait(10)
    print(f"CPU while one request awaits asyncio.sleep(5): {100 * (cpu1 - cpu0) / (t1 - t0):.1f} % of a core")


if __name__ == "__main__":
    main()
