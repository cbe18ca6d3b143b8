"""`saltare_h2.backend` and SALTARE_PURE, in fresh interpreters."""

import os
import subprocess
import sys

import saltare_h2


def backend_in_subprocess(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "SALTARE_PURE"} | env
    result = subprocess.run(
        [sys.executable, "-c", "import saltare_h2; print(saltare_h2.backend)"],
        capture_output=True, text=True, env=environment, timeout=60, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_pure_forces_python():
    assert backend_in_subprocess(SALTARE_PURE="1") == "python"


def c_is_built() -> bool:
    try:
        from saltare_h2 import _cbackend  # noqa: F401
    except ImportError:
        return False
    return True


def test_c_is_the_default_when_built():
    """Also right in a SALTARE_PURE=1 run, where this process uses Python."""
    expected = "c" if os.environ.get("SALTARE_REQUIRE_C") == "1" or c_is_built() else "python"
    assert backend_in_subprocess() == expected


def test_public_connection_is_the_selected_backends():
    assert saltare_h2.H2Connection is saltare_h2.selected.H2Connection
    assert saltare_h2.backend == saltare_h2.selected.name


def test_import_stays_light():
    """No json/logging-heavy modules of our own on the import path (hpack
    brings `logging`, which the server already imports)."""
    code = "import sys, saltare_h2; print(' '.join(sorted(m for m in ('dataclasses', 'inspect', 'json', 'urllib') if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == ""
