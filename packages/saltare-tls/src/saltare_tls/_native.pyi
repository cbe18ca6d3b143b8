# The cffi module built from _build.py (types only; see _c/tls.h for the contract).
from typing import Any

ffi: Any
lib: Any
