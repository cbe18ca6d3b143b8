"""Build and run tests/c/check_session.c (the C code alone, ASan+UBSan+LSan).

ci/sanitize links its harnesses without -lssl -lcrypto, so this one runs from
here instead. Skipped without gcc or the C sources (an installed wheel alone).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
C_DIR = ROOT / "src" / "saltare_tls" / "_c"
HARNESS = ROOT / "tests" / "c" / "check_session.c"


@pytest.mark.skipif(shutil.which("gcc") is None or not C_DIR.is_dir(), reason="needs gcc and the C sources")
def test_c_session_harness(tmp_path):
    exe = tmp_path / "check_session"
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
    subprocess.run(
        ["gcc", "-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
         "-fno-sanitize-recover=undefined", f"-I{C_DIR}", str(HARNESS), *map(str, sorted(C_DIR.glob("*.c"))),
         "-lssl", "-lcrypto", "-o", str(exe)],
        check=True, timeout=120, env=env)
    env["ASAN_OPTIONS"] = "detect_leaks=1"
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith(" passed, 0 failed")
