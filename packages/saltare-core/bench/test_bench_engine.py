"""Raw-engine hello world vs asyncio and uvloop Protocols under wrk.

    pytest --benchmark-only bench/test_bench_engine.py -s

Each server runs pinned to CPU 0 (taskset), wrk -t1 -c50 -d5s pinned to CPU 1;
requests/s land in the benchmark's extra_info and are printed as a table
with ratios to the asyncio anchor (the modes that ran: uvloop is skipped
when it is not installed)."""

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MODES = ["engine-c", "engine-python", "asyncio", "uvloop"]
RESULTS: dict[str, float] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def run_wrk(mode: str) -> float:
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", "0", sys.executable, str(HERE / "hello_servers.py"), mode, str(port)],
                              stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c50", "-d5s", f"http://127.0.0.1:{port}/"],
                             capture_output=True, text=True, timeout=60).stdout
    finally:
        server.kill()
        server.wait()
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


@pytest.fixture(scope="module", autouse=True)
def print_table():
    yield
    if "asyncio" in RESULTS:
        print("\n| server | requests/s | vs asyncio |\n|---|---|---|")
        for name, value in RESULTS.items():
            print(f"| {name} | {value:.0f} | {value / RESULTS['asyncio']:.2f}x |")


@pytest.mark.skipif(not shutil.which("wrk") or not shutil.which("taskset"), reason="needs wrk and taskset")
@pytest.mark.parametrize("mode", MODES)
def test_hello_world_throughput(benchmark, mode):
    if mode == "uvloop":
        pytest.importorskip("uvloop")
    rps = benchmark.pedantic(run_wrk, args=(mode,), rounds=1, iterations=1)
    benchmark.extra_info["requests_per_s"] = rps
    RESULTS[mode] = rps
