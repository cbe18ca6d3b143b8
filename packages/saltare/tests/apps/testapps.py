"""ASGI apps the server tests run (served with --app-dir tests/apps)."""

import asyncio
import json
import os


RELEASED = asyncio.Event()  # /hold waits for it, /release sets it


async def read_body(receive) -> bytes:
    parts, more = [], True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("client went away")
        parts.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(parts)


async def respond(send, status: int, body: bytes, headers=()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", b"%d" % len(body)), *headers]})
    await send({"type": "http.response.body", "body": body})


def jsonable(scope: dict) -> dict:
    out = {}
    for key, value in scope.items():
        if key == "headers":
            value = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in value]
        elif isinstance(value, bytes):
            value = value.decode("latin-1")
        elif key == "state":
            value = sorted(value)
        elif key == "extensions":
            value = sorted(value)
        out[key] = value
    return out


async def lifespan(receive, send, state: dict) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            state["started_by"] = os.getpid()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            marker = os.environ.get("SHUTDOWN_MARKER")
            if marker:
                with open(marker, "w") as file:
                    file.write("shutdown ran")
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send):
    """One app, many routes: the path picks the behaviour."""
    if scope["type"] == "lifespan":
        await lifespan(receive, send, scope["state"])
        return
    path = scope["path"]
    if scope["root_path"] and path.startswith(scope["root_path"]):
        path = path[len(scope["root_path"]):]
    if path.startswith("/scope"):
        body = await read_body(receive)
        data = jsonable(scope)
        data["body_length"] = len(body)
        data["pid"] = os.getpid()
        await respond(send, 200, json.dumps(data).encode(), [(b"content-type", b"application/json")])
    elif path == "/tls":
        found = {"scheme": scope["scheme"], "tls": scope["extensions"].get("tls")}
        await respond(send, 200, json.dumps(found).encode(), [(b"content-type", b"application/json")])
    elif path == "/process":
        import sys

        names = ("argparse", "SALTARE_SERVE_OPTIONS", "MALLOC_ARENA_MAX")
        found = {name: name in sys.modules or name in os.environ for name in names}
        await respond(send, 200, json.dumps(found).encode(), [(b"content-type", b"application/json")])
    elif path == "/upload":
        size, more, parts = 0, True, 0
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            parts += 1
            more = message.get("more_body", False)
        await respond(send, 200, b"%d" % size)
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for i in range(5):
            await send({"type": "http.response.body", "body": b"part %d\n" % i, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/big":
        size = int(scope["query_string"] or b"1048576")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % size)]})
        block = b"x" * 65536
        left = size
        while left:
            n = min(left, len(block))
            left -= n
            await send({"type": "http.response.body", "body": block[:n], "more_body": bool(left)})
    elif path == "/whole":  # N pattern bytes in one body message, or halves with &halves
        size, *flags = (scope["query_string"] or b"1048576").split(b"&")
        body = bytes(range(256)) * (int(size) // 256)
        kind = bytearray if b"bytearray" in flags else memoryview if b"memoryview" in flags else bytes
        if b"halves" not in flags:
            await respond(send, 200, kind(body))
            return
        length = [(b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": length})
        half = len(body) // 2
        await send({"type": "http.response.body", "body": kind(body[:half]), "more_body": True})
        await send({"type": "http.response.body", "body": kind(body[half:])})
    elif path == "/answer":  # ?STATUS&name:value...: that status and those fields, body b"x"
        status, *fields = (scope["query_string"] or b"200").split(b"&")
        headers = [tuple(field.split(b":", 1)) for field in fields]
        await send({"type": "http.response.start", "status": int(status), "headers": headers})
        await send({"type": "http.response.body", "body": b"x"})
    elif path == "/slow":
        await asyncio.sleep(float(scope["query_string"] or b"1"))
        await respond(send, 200, b"slow done")
    elif path == "/hold":  # answered once a /release request came
        await asyncio.wait_for(RELEASED.wait(), 10.0)
        RELEASED.clear()
        await respond(send, 200, b"held")
    elif path == "/release":
        RELEASED.set()
        await respond(send, 200, b"released")
    elif path == "/raise":
        raise RuntimeError("boom from the app")
    elif path == "/raise-after-start":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise RuntimeError("boom after start")
    elif path == "/no-response":
        return
    elif path == "/too-long":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"3")]})
        await send({"type": "http.response.body", "body": b"toolong"})
    elif path == "/trailers":
        await send({"type": "http.response.start", "status": 200, "headers": [], "trailers": True})
        await send({"type": "http.response.body", "body": b"with trailers"})
        await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"abc")]})
    elif path == "/pathsend":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.pathsend", "path": os.path.abspath(__file__)})
    elif path == "/zerocopy":
        with open(os.path.abspath(__file__), "rb") as file:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.zerocopysend", "file": file, "offset": 10, "count": 20,
                        "more_body": True})
            await send({"type": "http.response.zerocopysend", "file": file, "offset": 0, "count": 10})
    elif path == "/long-poll":
        await read_body(receive)
        message = await receive()  # nothing is sent: only the client leaving ends this
        with open(os.environ["DISCONNECT_MARKER"], "w") as file:
            file.write(message["type"])
    elif path == "/disconnect":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(10_000):
            await send({"type": "http.response.body", "body": b"y" * 65536, "more_body": True})
        message = await receive()
        marker = os.environ.get("DISCONNECT_MARKER")
        if marker:
            with open(marker, "w") as file:
                file.write(message["type"])
    else:
        await respond(send, 200, b"hello", [(b"content-type", b"text/plain")])


async def no_lifespan(scope, receive, send):
    """An app that rejects lifespan scopes (as many simple apps do)."""
    assert scope["type"] == "http"
    await respond(send, 200, b"no lifespan here")


async def failing_startup(scope, receive, send):
    message = await receive()
    if message["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.failed", "message": "database unreachable"})


def make_app():
    """For --factory."""
    return no_lifespan
