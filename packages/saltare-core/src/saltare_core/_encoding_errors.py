"""The error a bounded request-body decompressor raises: it carries the HTTP answer to send."""


class DecompressionError(Exception):
    """A compressed request body was refused.

    `status` is the response to send (then stop reading the body):
    413 when the decoded body would pass the configured `max_size` (a zip bomb
    is stopped there, before the rest is decoded), 400 when the body is not
    valid for its coding (corrupt, truncated, trailing garbage), 415 when the
    Content-Encoding is not one the server decodes. `reason` is a short text
    safe to show the client.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


def too_large(max_size: int) -> DecompressionError:
    return DecompressionError(413, f"decompressed request body larger than {max_size} bytes")


def corrupt(coding: str) -> DecompressionError:
    return DecompressionError(400, f"invalid {coding} request body")


def truncated(coding: str) -> DecompressionError:
    return DecompressionError(400, f"truncated {coding} request body")


def unsupported(content_encoding: str) -> DecompressionError:
    return DecompressionError(415, f"unsupported Content-Encoding {content_encoding!r}")
