"""The pure-Python backend: the same surface as _cbackend."""

from ._pyengine import Engine
from ._pyprocess import cap_arenas, page_out, set_parent_death_signal, trim_heap
from ._pyratelimit import RateLimiter
from ._pywheel import TimerWheel

name = "python"

__all__ = ["Engine", "RateLimiter", "TimerWheel", "cap_arenas", "name", "page_out", "set_parent_death_signal", "trim_heap"]
