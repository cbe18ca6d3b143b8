"""The built-in demo app, served by `saltare` with no APP argument.

`/` is a small page saying what is running; `/echo` streams the request
body back (with the method and path in x-echo-* headers).
"""

import html
import sys

from ._version import __version__


def page() -> bytes:
    from .main import components

    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(version)}</td><td>{html.escape(backend)}</td></tr>"
        for name, version, backend in components()
    )
    return (
        "<!doctype html><meta charset=utf-8><title>saltare</title>"
        f"<h1>saltare {__version__}</h1>"
        f"<p>A low-RAM ASGI server, running on Python {html.escape(sys.version.split()[0])}.</p>"
        f"<table><tr><th>component</th><th>version</th><th>backend</th></tr>{rows}</table>"
        "<p>Try <code>curl -d hello http://127.0.0.1:8000/echo</code>.</p>"
    ).encode()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["path"] == "/echo":
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/octet-stream"),
            (b"x-echo-method", scope["method"].encode()),
            (b"x-echo-path", scope["raw_path"]),
        ]})
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            more = message.get("more_body", False)
            await send({"type": "http.response.body", "body": message.get("body", b""), "more_body": more})
        return
    if scope["path"] == "/":
        body, status, kind = page(), 200, b"text/html; charset=utf-8"
    else:
        body, status, kind = b"not found\n", 404, b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})
