"""RequestHead for the Python engine: the offsets the C parser reports,
recomputed from a head saltare-http1's Python parser has validated."""

from .events import F_CHUNKED, F_CONTENT_LENGTH, F_EXPECT_CONTINUE, F_KEEP_ALIVE, F_UPGRADE, RequestHead

_OWS = (0x20, 0x09)


def request_head(raw: bytes, request) -> RequestHead:
    """raw is the head (head_len bytes) and request the parser's Request for it."""
    start = 0
    while raw.startswith(b"\r\n", start):
        start += 2
    line_end = raw.index(b"\r\n", start)
    target = request.target
    target_off = start + len(request.method) + 1
    q = target.find(b"?")
    path_end = q if q >= 0 else len(target)
    path_off, path_len = target_off + path_end, 0
    raw_path = request.raw_path
    if target[:path_end].endswith(raw_path):  # else the path is empty (raw_path is then b"/")
        path_off, path_len = target_off + path_end - len(raw_path), len(raw_path)
    query_off, query_len = (target_off + q + 1, len(target) - q - 1) if q >= 0 else (target_off + len(target), 0)
    head = bytearray(raw)
    offsets = []
    pos, end = line_end + 2, len(raw) - 2
    while pos < end:
        eol = raw.index(b"\r\n", pos)
        colon = raw.index(b":", pos, eol)
        head[pos:colon] = head[pos:colon].lower()
        v0, v1 = colon + 1, eol
        while v0 < v1 and raw[v0] in _OWS:
            v0 += 1
        while v1 > v0 and raw[v1 - 1] in _OWS:
            v1 -= 1
        offsets += (pos, colon - pos, v0, v1 - v0)
        pos = eol + 2
    flags = (
        (F_KEEP_ALIVE if request.keep_alive else 0)
        | (F_EXPECT_CONTINUE if request.expect_continue else 0)
        | (F_CHUNKED if request.chunked else 0)
        | (F_CONTENT_LENGTH if request.content_length is not None else 0)
        | (F_UPGRADE if request.upgrade is not None else 0)
    )
    return RequestHead(
        bytes(head), start, len(request.method), target_off, len(target), path_off, path_len,
        query_off, query_len, 1 if request.http_version == "1.1" else 0, flags,
        request.content_length or 0, offsets,
    )
