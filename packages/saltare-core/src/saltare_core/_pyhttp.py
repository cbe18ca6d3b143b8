"""HTTP/1 framing for the Python engine with saltare-http1's Python parser."""

from ._pyhead import request_head


class Http1:
    """The handed-over parser module (HeadParser, ChunkedDecoder, ProtocolError)
    with the engine's limits."""

    __slots__ = ("_module", "limits", "_head", "ProtocolError")

    def __init__(self, module, limits) -> None:
        self._module = module
        self.limits = limits
        self._head = module.HeadParser(limits)
        self.ProtocolError = module.ProtocolError

    def head(self, buf: bytearray, last_len: int):
        """(RequestHead, head_len), or None while incomplete; raises ProtocolError."""
        parsed = self._head.parse(buf, last_len)
        if parsed is None:
            return None
        request, head_len = parsed
        return request_head(bytes(buf[:head_len]), request), head_len

    def chunked_decoder(self):
        return self._module.ChunkedDecoder(self.limits)
