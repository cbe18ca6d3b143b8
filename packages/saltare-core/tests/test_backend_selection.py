import os
import subprocess
import sys

import saltare_core


def backend_in_subprocess(**env) -> str:
    code = "import saltare_core; print(saltare_core.backend, saltare_core.Engine.__module__)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip()


def test_saltare_pure_forces_python():
    assert backend_in_subprocess(SALTARE_PURE="1") == "python saltare_core._pyengine"


def test_c_is_the_default_when_built():
    try:
        from saltare_core import _native  # noqa: F401
    except ImportError:
        expected = "python saltare_core._pyengine"
    else:
        expected = "c saltare_core._cbackend"
    assert backend_in_subprocess(SALTARE_PURE="0") == expected


def test_the_public_api_on_the_selected_backend():
    assert saltare_core.Engine is saltare_core._backend.selected.Engine
    from saltare_core.ratelimit import RateLimiter
    from saltare_core.timerwheel import TimerWheel

    assert TimerWheel is saltare_core._backend.selected.TimerWheel
    assert RateLimiter is saltare_core._backend.selected.RateLimiter
