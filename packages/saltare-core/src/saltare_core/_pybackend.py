"""The pure-Python backend: the same surface as _cbackend."""

from ._pyengine import Engine
from ._pyratelimit import RateLimiter
from ._pywheel import TimerWheel

name = "python"

__all__ = ["Engine", "RateLimiter", "TimerWheel", "name"]
