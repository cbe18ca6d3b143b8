"""The examples, run as their docstrings say (from the package folder)."""

import time

import httpx
import pytest

WAIT = 10.0


def test_raw_asgi_example(serve):
    served = serve("hello_asgi:app", "--app-dir", "examples")
    assert httpx.get(served.url + "/?name=you", timeout=WAIT).text == "hello, you\n"
    assert httpx.post(served.url + "/count", content=b"x" * 100_000, timeout=WAIT).text == "100000 bytes\n"


def test_starlette_example(serve):
    pytest.importorskip("starlette")
    served = serve("starlette_app:app", "--app-dir", "examples")
    with httpx.Client(base_url=served.url, timeout=WAIT) as client:
        assert client.get("/hello/ada").json() == {"hello": "ada", "state": True}
        numbers = client.get("/numbers")
        assert numbers.text == "0\n1\n2\n" and numbers.headers["transfer-encoding"] == "chunked"
        assert client.get("/later").json() == {"queued": True}
        # The task runs after the response is sent: the next request may come first.
        for _ in range(100):
            if client.get("/tasks").json() == {"done": ["ran"]}:
                break
            time.sleep(0.02)
        assert client.get("/tasks").json() == {"done": ["ran"]}
        assert client.get("/missing").status_code == 404
