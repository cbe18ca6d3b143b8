"""Hello-world servers for the throughput benchmark: the raw engine (response
written from Python per request, no ASGI) and the same app on asyncio
Protocols and uvloop Protocols (parsing with saltare-http1's C parser).

    python hello_servers.py MODE PORT     # MODE: engine-c, engine-python, asyncio, uvloop
"""

import asyncio
import sys

RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 12\r\n\r\nHello world!"


def serve_engine(backend_name: str, port: int) -> None:
    import saltare_http1._cbackend
    import saltare_http1._pybackend

    from saltare_core import events, listeners

    if backend_name == "c":
        from saltare_core import _cbackend as backend

        http1 = saltare_http1._cbackend.c_api_address()
    else:
        from saltare_core import _pybackend as backend

        http1 = saltare_http1._pybackend
    engine = backend.Engine(http1=http1)
    engine.add_listener(listeners.tcp("127.0.0.1", port))
    loop = asyncio.new_event_loop()
    HEAD, END = events.HEAD, events.END
    respond = engine.respond

    def ready() -> None:
        for event in engine.poll():
            if event.kind == HEAD and not event.info.has_body or event.kind == END:
                respond(event.handle, RESPONSE)
        deadline = engine.next_deadline()
        if deadline is not None:
            loop.call_later(deadline, ready)

    loop.add_reader(engine.fileno(), ready)
    loop.call_soon(ready)
    loop.run_forever()


class HelloProtocol(asyncio.Protocol):
    def connection_made(self, transport) -> None:
        from saltare_http1 import RequestParser

        self.transport = transport
        self.parser = RequestParser()

    def data_received(self, data: bytes) -> None:
        from saltare_http1 import EndOfMessage

        for event in self.parser.feed(data):
            if isinstance(event, EndOfMessage):
                self.transport.write(RESPONSE)


def serve_protocol(use_uvloop: bool, port: int) -> None:
    if use_uvloop:
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    loop.run_until_complete(loop.create_server(HelloProtocol, "127.0.0.1", port, backlog=2048))
    loop.run_forever()


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode.startswith("engine-"):
        serve_engine(mode.split("-")[1], port)
    else:
        serve_protocol(mode == "uvloop", port)
