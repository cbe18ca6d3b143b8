"""Per-request helpers of the server against the stdlib ways of doing the same.

Run: pytest --benchmark-only packages/saltare/bench
"""

import email.utils
import time
import urllib.parse

from saltare import logs
from saltare_http1 import percent_decode_path

RAW_PATH = b"/api/v1/items/caf%C3%A9/sub%20path"


def test_percent_decode(benchmark):
    assert benchmark(percent_decode_path, RAW_PATH) == "/api/v1/items/café/sub path"


def test_urllib_unquote(benchmark):
    assert benchmark(lambda: urllib.parse.unquote(RAW_PATH.decode("ascii"))) == "/api/v1/items/café/sub path"


def test_date_field_cached_per_second(benchmark):
    assert benchmark(logs.date_field).startswith(b"date: ")


def test_email_formatdate(benchmark):
    assert benchmark(lambda: email.utils.formatdate(time.time(), usegmt=True)).endswith("GMT")
