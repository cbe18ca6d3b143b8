"""Which response media types are worth compressing."""

# Media types outside text/* that compress well. Images, audio, video, fonts in
# woff/woff2, archives and application/octet-stream are already compressed or
# opaque, so they are left out.
_COMPRESSIBLE_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/ecmascript",
        "application/x-javascript",
        "application/xml",
        "application/wasm",
        "application/x-ndjson",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "application/rtf",
        "application/yaml",
        "application/x-yaml",
        "application/toml",
        "application/vnd.ms-fontobject",
        "application/x-font-ttf",
        "font/ttf",
        "font/otf",
        "font/collection",
        "image/svg+xml",
        "image/bmp",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)
# Structured syntax suffixes (RFC 6839): application/problem+json, atom+xml ...
_COMPRESSIBLE_SUFFIXES = ("+json", "+xml", "+yaml")
# text/event-stream is text but each event must reach the client at once:
# compressing it needs a flush per event, which costs ratio and adds latency
# for little gain, so it is not compressed.
_STREAMED_TEXT = frozenset({"text/event-stream"})
_OWS = " \t"
_CACHE_SIZE = 64
# Content-Type values repeat (an app sends a handful), so the answer is cached
# by raw value in a small dict, emptied when full.
_cache: dict = {}


def is_compressible(content_type: bytes | str | None) -> bool:
    """True when a response of this Content-Type is worth compressing:
    text/* (except text/event-stream), JSON, XML, JavaScript, SVG, wasm and
    the like. Parameters (`; charset=utf-8`) and case are ignored."""
    if content_type is None:
        return False
    answer = _cache.get(content_type)
    if answer is None:
        answer = _media_type_compresses(content_type)
        if len(content_type) <= 128:
            if len(_cache) >= _CACHE_SIZE:
                _cache.clear()
            _cache[content_type] = answer
    return answer


def _media_type_compresses(content_type: bytes | str) -> bool:
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    media_type = content_type.partition(";")[0].strip(_OWS).lower()
    if media_type.startswith("text/"):
        return media_type not in _STREAMED_TEXT
    return media_type in _COMPRESSIBLE_TYPES or media_type.endswith(_COMPRESSIBLE_SUFFIXES)
