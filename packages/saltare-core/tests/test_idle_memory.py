"""2 000 idle keep-alive connections: what each costs the server process
(measured by bench/idle_memory.py in a separate process)."""

import os
import runpy
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
