"""The one place that picks the C or the Python backend.

SALTARE_PURE=1 forces Python; otherwise the C backend serves when its
extension was built. Both modules expose the `Backend` surface.
"""

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the surface, for readers and type checkers; no runtime cost
    from typing import Protocol

    from .limits import Limits

    class Backend(Protocol):
        name: str  # "c" or "python"

        class HeadParser(Protocol):
            def __init__(self, limits: Limits) -> None: ...

            def parse(self, buf: bytearray, last_len: int) -> tuple | None:
                """(Request, head_len) once buf starts with a complete head, None while
                incomplete; raises ProtocolError. May rewrite the head's bytes in buf."""

        class ChunkedDecoder(Protocol):
            def __init__(self, limits: Limits) -> None: ...

            def reset(self) -> None:
                """Ready for the next chunked body."""

            def decode(self, buf: bytearray) -> tuple[bytes, int, tuple | None]:
                """(body data, bytes of buf consumed, trailers once the body ended or None);
                raises ProtocolError. May rewrite the consumed part of buf."""

        RequestParser: type


if os.environ.get("SALTARE_PURE") == "1":
    from . import _pybackend as selected
else:
    try:
        from . import _cbackend as selected
    except ImportError:
        from . import _pybackend as selected

backend: str = selected.name
