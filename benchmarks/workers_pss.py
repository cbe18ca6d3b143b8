"""Pss summed over a `--workers 4` saltare tree serving the FastAPI anchors app.

    python benchmarks/workers_pss.py [/path/to/venv/bin/saltare]

Like anchors.py's workload 5: idle after one request, then again after eight
more requests on fresh connections (which the kernel spreads over the
workers). Prints each process's Pss and Private_Dirty, then the sums.
"""

import os
import subprocess
import sys
import time
import urllib.request

BENCH_DIR = "/work/shared/bench"
WORKERS = 4


def tree(pid: int) -> list[int]:
    pids = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            for child in f.read().split():
                pids += tree(int(child))
    return pids


def rollup(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def show(label: str, root: int) -> None:
    total = 0
    for pid in tree(root):
        fields = rollup(pid)
        total += fields["Pss"]
        print(f"  pid {pid}: Pss {fields['Pss']} KiB, Private_Dirty {fields['Private_Dirty']} KiB")
    print(f"{label}: Pss summed {total / 1024:.2f} MiB")


def get(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        response.read()


def main() -> None:
    saltare = sys.argv[1] if len(sys.argv) > 1 else "/tmp/venv-bench/bin/saltare"
    port = 20000 + os.getpid() % 20000
    server = subprocess.Popen([saltare, "apps.fast:app", "--port", str(port), "--workers", str(WORKERS),
                               "--timeout-keep-alive", "120"], cwd=BENCH_DIR,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if len(tree(server.pid)) > WORKERS:
                    get(port)
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        time.sleep(2)
        show("idle", server.pid)
        for _ in range(2 * WORKERS):
            get(port)
        time.sleep(1)
        show(f"after {2 * WORKERS} requests", server.pid)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
