"""A raw ASGI 3.0 app: no framework.

Run it from packages/saltare with:

    saltare hello_asgi:app --app-dir examples

then `curl http://127.0.0.1:8000/?name=you` and `curl -d text http://127.0.0.1:8000/count`.
"""


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["greeting"] = "hello"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/count":
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"%d bytes\n" % size
    else:
        query = scope["query_string"].decode()
        name = query[5:] if query.startswith("name=") else "world"
        body = f"{scope['state']['greeting']}, {name}\n".encode()
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
    })
    await send({"type": "http.response.body", "body": body})
