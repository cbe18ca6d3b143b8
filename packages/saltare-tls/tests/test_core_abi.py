"""_c/core_transport.h carries a copy of saltare-core's transport seam (ABI 2):
it must stay byte-identical to the block in saltare-core's _c/engine.h.

engine.h is found in the installed saltare-core when its sources are there
(an editable install), else in this repository's checkout; skipped when
neither is at hand (saltare-tls alone, or wheels without C sources).
"""

import importlib.resources
import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
OWN = HERE.parent / "src" / "saltare_tls" / "_c" / "core_transport.h"
CHECKOUT = HERE.parent.parent / "saltare-core" / "src" / "saltare_core" / "_c" / "engine.h"
BEGIN, END = "/* The transport seam:", "} saltare_core_transport_t;"


def seam(text: str) -> str:
    start = text.index(BEGIN)
    return text[start : text.index(END, start) + len(END)]


def engine_header() -> Path:
    if importlib.util.find_spec("saltare_core") is not None:
        installed = importlib.resources.files("saltare_core") / "_c" / "engine.h"
        if installed.is_file():
            return Path(str(installed))
    if CHECKOUT.is_file():
        return CHECKOUT
    pytest.skip("saltare-core's engine.h is not at hand")


@pytest.mark.skipif(not OWN.is_file(), reason="an installed wheel alone has no C sources")
def test_transport_seam_is_a_byte_identical_copy():
    assert seam(OWN.read_text()) == seam(engine_header().read_text())
