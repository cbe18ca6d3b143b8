# The cffi module built from _build.py (types only; see _c/engine.h for the contract).
from typing import Any

ffi: Any
lib: Any
