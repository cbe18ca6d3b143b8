"""saltare_core.process on both backends, and what the engine costs before
any connection (its tables are touched only as they are used)."""

import ctypes
import mmap
import os
import signal
import subprocess
import sys
import textwrap

PR_GET_PDEATHSIG = 2


def test_memory_settings_take_effect(backend):
    capped = backend.cap_arenas(2)
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        return  # ci/sanitize: ASan's allocator replaces glibc's, which has the arenas
    assert capped is True
    assert backend.trim_heap() in (True, False)  # 1 only when pages went back


def test_parent_death_signal_is_set(backend):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child sets it and reports what the kernel holds
        code = 1
        try:
            os.close(read)
            ok = backend.set_parent_death_signal(signal.SIGUSR1)
            value = ctypes.c_int(0)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_GET_PDEATHSIG, ctypes.byref(value), 0, 0, 0)
            os.write(write, f"{ok} {value.value}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode()
    os.waitpid(pid, 0)
    assert answer == f"True {int(signal.SIGUSR1)}"


def test_an_engine_with_many_slots_costs_little_before_any_connection(backend):
    """100,000 connection slots and 100,000 timers: the tables are there, but
    only the entries used get touched (measured in a fresh process)."""
    script = textwrap.dedent(f"""
        import gc, os
        os.environ["SALTARE_PURE"] = "{'1' if backend.name == 'python' else '0'}"
        import saltare_core
        def rss():
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
        gc.collect()
        before = rss()
        engine = saltare_core.Engine(saltare_core.EngineConfig(max_connections=100000, max_timers=100000))
        gc.collect()
        print(rss() - before)
        engine.destroy()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    grown_kib = int(out.stdout)
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        return  # redzones and ASan's own allocator: RSS says nothing
    # 100,000 x 176 B of connections alone would be 17 MiB if chained at start.
    assert grown_kib < 2048, grown_kib


def mapping_rss_kib(path) -> int:
    """Rss of this process's mapping of `path` (/proc/self/smaps)."""
    with open("/proc/self/smaps") as smaps:
        inside = False
        for line in smaps:
            if "-" in line.split(" ", 1)[0]:
                inside = line.rstrip().endswith(str(path))
            elif inside and line.startswith("Rss:"):
                return int(line.split()[1])
    raise AssertionError(f"{path} is not mapped")


def test_file_pages_only_this_process_maps_are_paged_out(backend, tmp_path):
    from saltare_core import process

    path = tmp_path / "pages"
    path.write_bytes(os.urandom(4 << 20))
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, prot=mmap.PROT_READ) as pages:
        assert sum(pages[i] for i in range(0, len(pages), mmap.PAGESIZE)) >= 0  # every page touched
        assert mapping_rss_kib(path) >= 4096
        with open("/proc/self/maps") as maps:
            line = next(line for line in maps if line.rstrip().endswith(str(path)))
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        assert backend.page_out(start, end - start) is True
        assert mapping_rss_kib(path) < 1024
        assert sum(pages[i] for i in range(0, len(pages), mmap.PAGESIZE)) >= 0  # they come back on use
        assert mapping_rss_kib(path) >= 4096
        assert process.release_file_pages() > 0
        assert mapping_rss_kib(path) < 1024
        assert pages[: 1 << 20] == path.read_bytes()[: 1 << 20]
