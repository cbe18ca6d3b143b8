"""The examples, run as their docstrings say (from the package folder)."""

import time

import httpx

WAIT = 10.0


def test_raw_asgi_example(serve):
    served = serve("hello_asgi:app", "--app-dir", "examples")
    assert httpx.get(served.url + "/?name=you", timeout=WAIT).text == "hello, you\n"
    assert httpx.post(served.url + "/count", content=b"x" * 100_000, timeout=WAIT).text == "100000 bytes\n"


def test_starlette_example(serve):
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


def test_fastapi_example(serve):
    served = serve("fastapi_app:app", "--app-dir", "examples")
    with httpx.Client(base_url=served.url, timeout=WAIT) as client:
        assert client.get("/items/7?q=x").json() == {"item_id": 7, "q": "x", "state": True}
        assert client.get("/items/seven").status_code == 422  # path parameter validation
        created = client.post("/items", json={"name": "tea", "price": 2.5})
        assert created.json() == {"name": "tea", "price_with_tax": 3.0}
        assert client.post("/items", json={"name": "tea"}).status_code == 422
        numbers = client.get("/numbers")
        assert numbers.text == "0\n1\n2\n" and numbers.headers["transfer-encoding"] == "chunked"
        assert client.post("/later").json() == {"queued": True}
        for _ in range(100):  # the task runs after the response is sent
            if client.get("/tasks").json() == {"done": ["ran"]}:
                break
            time.sleep(0.02)
        assert client.get("/tasks").json() == {"done": ["ran"]}
        assert client.get("/openapi.json").json()["paths"].keys() >= {"/items/{item_id}", "/items"}
