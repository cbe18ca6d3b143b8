import os
import re
import subprocess
import sys
from pathlib import Path

from saltare_ws import ErrorCode

WS_H = Path(__file__).resolve().parent.parent / "src" / "saltare_ws" / "_c" / "ws.h"


def run(code: str, **env) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **env}, check=True)
    return result.stdout.strip()


def test_saltare_pure_forces_the_python_backend():
    assert run("import saltare_ws; print(saltare_ws.backend)", SALTARE_PURE="1") == "python"


def test_c_backend_is_the_default_when_built():
    try:
        from saltare_ws import _cbackend  # noqa: F401 (imported to see whether it was built)
        expected = "c"
    except ImportError:
        expected = "python"
    assert run("import saltare_ws; print(saltare_ws.backend)", SALTARE_PURE="") == expected


def test_import_loads_neither_zlib_nor_openssl():
    loaded = run("import sys, saltare_ws; print(sorted({'zlib', '_hashlib', 'dataclasses', 'json', 'logging'}"
                 " & set(sys.modules)))")
    assert loaded == "[]"


def test_error_numbers_match_the_c_header():
    if not WS_H.exists():
        return  # an installed wheel without the source tree: nothing to compare
    numbers = dict(re.findall(r"SALTARE_WS_E_(\w+) = (\d+),", WS_H.read_text()))
    numbers.pop("OK")
    assert {name: int(value) for name, value in numbers.items()} == {code.name: code.value for code in ErrorCode}
