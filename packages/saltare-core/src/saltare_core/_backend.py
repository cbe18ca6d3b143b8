"""The one place that picks the C or the Python backend.

SALTARE_PURE=1 forces Python; otherwise the C backend serves when its
extension was built. Both modules expose the `Backend` surface.
"""

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the surface, for readers and type checkers; no runtime cost
    from typing import Callable, Protocol

    class Backend(Protocol):
        name: str  # "c" or "python"
        Engine: type  # the engine (see README "Engine API")
        TimerWheel: type  # saltare_core.timerwheel.TimerWheel
        RateLimiter: type  # saltare_core.ratelimit.RateLimiter
        cap_arenas: Callable[[int], bool]  # saltare_core.process
        trim_heap: Callable[[], bool]
        page_out: Callable[[int, int], bool]
        set_parent_death_signal: Callable[[int], bool]


if os.environ.get("SALTARE_PURE") == "1":
    from . import _pybackend as selected
else:
    try:
        from . import _cbackend as selected
    except ImportError:
        from . import _pybackend as selected

backend: str = selected.name
