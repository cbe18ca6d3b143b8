"""2 000 idle keep-alive connections: what each costs the server process
(measured by bench/idle_memory.py in a separate process)."""

import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

MEASURE = runpy.run_path(str(Path(__file__).parent.parent / "bench" / "idle_memory.py"))["measure"]


def test_idle_connections_cost_little(backend, capsys):
    result = MEASURE(backend.name, 2000)
    with capsys.disabled():
        print(f"\n{backend.name}: {result['bytes_per_connection']:.0f} B RSS per idle connection")
    assert result["connections"] == 2000
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        return  # under ASan (ci/sanitize) every allocation carries redzones: RSS says nothing
    if backend.name == "c":
        engine = backend.Engine()
        assert engine.stats()["connection_bytes"] <= 256  # the whole per-connection struct, timer node included
        engine.destroy()
        assert result["bytes_per_connection"] <= 256
    else:
        assert result["bytes_per_connection"] <= 4096


ENGINE_RSS = textwrap.dedent("""
    import sys
    from saltare_core import process
    def anon_kib():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("RssAnon:"))
    if sys.argv[1] == "c":
        import saltare_http1._cbackend
        from saltare_core import _cbackend as backend
        http1 = saltare_http1._cbackend.c_api_address()
    else:
        import saltare_http1._pybackend as http1
        from saltare_core import _pybackend as backend
    # What a server's start-up can leave behind: a large block freed (glibc
    # then raises its mmap threshold) and a free stretch of heap below live
    # data, its pages given back by malloc_trim. calloc() serves a table from
    # that stretch and zeroes every page of it.
    block = bytearray(16 << 20)
    del block
    block = bytearray(8 << 20)
    pinned = b"x" * 4096
    del block
    process.trim_heap()
    before = anon_kib()
    engine = backend.Engine(http1=http1)
    print(anon_kib() - before)
""")


def test_a_new_engine_holds_no_table_pages(backend):
    """The tables are sized for 10,000 connections (about 2 MiB with the events
    and timers); a new engine holds only what it has touched (calloc'd
    tables: 360 KiB here)."""
    out = subprocess.run([sys.executable, "-c", ENGINE_RSS, backend.name], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    grown_kib = int(out)
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        return  # ASan maps shadow memory for every allocation
    assert grown_kib < 128
