import os
import sys
from pathlib import Path

import pytest

from saltare_ws import _pybackend

# Test modules import their helpers from ws_helpers.py (a name no other package uses).
sys.path.insert(0, str(Path(__file__).parent))


def c_backend():
    try:
        from saltare_ws import _cbackend
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but the C backend is not built: {exc}")
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The backend module under test: each test runs once per backend."""
    return c_backend() if request.param == "c" else _pybackend
