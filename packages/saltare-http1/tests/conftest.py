import os
import tomllib
from pathlib import Path

import pytest

from saltare_http1 import Data, _pybackend

VECTORS = Path(__file__).parent / "vectors"


def load_vectors(name: str) -> list[dict]:
    """Cases from vectors/<name>.toml; `input` strings are bytes spelled as latin-1."""
    cases = tomllib.loads((VECTORS / name).read_text())["case"]
    for case in cases:
        case["input"] = case["input"].encode("latin-1")
    return cases


def c_backend():
    try:
        from saltare_http1 import _cbackend
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but the C backend is not built: {exc}")
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The backend module under test: each test runs once per backend."""
    return c_backend() if request.param == "c" else _pybackend


@pytest.fixture(scope="session")
def c_native():
    """The C backend module alone (for its C-level surface)."""
    return c_backend()


def pytest_generate_tests(metafunc):
    # Test modules are imported in importlib mode: they share data through here.
    if "malformed" in metafunc.fixturenames:
        cases = load_vectors("malformed.toml")
        metafunc.parametrize("malformed", cases, ids=[case["name"] for case in cases])


def merge_data(events: list) -> list:
    """Join adjacent Data events: how a body is split across Data is not part of the contract."""
    merged = []
    for event in events:
        if isinstance(event, Data) and merged and isinstance(merged[-1], Data):
            merged[-1] = Data(merged[-1].data + event.data)
        else:
            merged.append(event)
    return merged


@pytest.fixture(name="merge_data", scope="session")
def merge_data_fixture():
    return merge_data
