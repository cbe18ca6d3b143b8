"""`saltare_http1.backend` and SALTARE_PURE, in fresh interpreters."""

import importlib.util
import os
import subprocess
import sys

import saltare_http1


def backend_in_subprocess(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "SALTARE_PURE"} | env
    result = subprocess.run(
        [sys.executable, "-c", "import saltare_http1; print(saltare_http1.backend)"],
        capture_output=True, text=True, env=environment, timeout=60, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_pure_forces_python():
    assert backend_in_subprocess(SALTARE_PURE="1") == "python"


def test_c_is_the_default_when_built():
    built = importlib.util.find_spec("saltare_http1._native") is not None
    assert built or os.environ.get("SALTARE_REQUIRE_C") != "1"
    assert backend_in_subprocess() == ("c" if built else "python")


def test_public_parser_is_the_selected_backends():
    assert saltare_http1.RequestParser is saltare_http1.selected.RequestParser
    assert saltare_http1.backend == saltare_http1.selected.name
