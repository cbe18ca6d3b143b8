"""The codec registry: coding name -> the module that implements it, imported on first use.

Each codec module has the same surface: CODING, DEFAULT_LEVEL,
DEFAULT_WINDOW_LOG, BOUNDED_DECODING, compressor_factory(level, window_log)
and a decoder class taking `max_size`. Keeping them apart means a coding that
is not enabled imports nothing (brotli and zstandard stay out of sys.modules).
"""

import importlib

_MODULES = {"gzip": "._encoding_gzip", "br": "._encoding_brotli", "zstd": "._encoding_zstd"}
# coding -> (the distribution it needs, the saltare-core extra that installs it)
_PACKAGES = {"br": ("brotli", "brotli"), "zstd": ("zstandard", "zstd")}
DECODER_CLASSES = {"gzip": "GzipDecoder", "br": "BrotliDecoder", "zstd": "ZstdDecoder"}


def load(coding: str):
    """The codec module for `coding`; ValueError for an unknown coding,
    ImportError naming the extra to install when its package is missing."""
    try:
        module_name = _MODULES[coding]
    except KeyError:
        raise ValueError(f"unknown content coding {coding!r}; known: {', '.join(_MODULES)}") from None
    try:
        return importlib.import_module(module_name, __package__)
    except ImportError as exc:
        package, extra = _PACKAGES.get(coding, (None, None))
        if package is None or exc.name != package:
            raise
        raise ImportError(
            f"content coding {coding!r} needs the {package} package: pip install 'saltare-core[{extra}]'",
            name=package,
        ) from exc
