"""The server side of the engine benchmarks, run as a subprocess:

    python tls_server.py KIND CERTFILE KEYFILE

KIND: "c" (the C transport on the C engine), "python" (the Python transport
over MemoryBIO sessions on the Python engine), "asyncio" (asyncio's own SSL
transport with build_context(): uvicorn's way) or "plain" (the C engine
without TLS, for reference). It prints its port, then serves on 127.0.0.1
until its stdin closes.

After the handshake a connection takes 9-byte commands: b"D" or b"U" and a
big-endian 8-byte size. D: the server sends `size` bytes. U: the client
sends `size` bytes and the server answers b"K" after the last one.
"""

import asyncio
import select
import socket
import sys

BLOCK = bytes(65536)


class Commands:
    """The D/U protocol of one connection, for any writer."""

    __slots__ = ("pending", "upload_left", "download_left")

    def __init__(self) -> None:
        self.pending = b""       # a command not complete yet
        self.upload_left = 0
        self.download_left = 0

    def feed(self, data: bytes, answer) -> None:
        """Take received bytes; answer(b"K") after an upload."""
        while data:
            if self.upload_left:
                take = min(self.upload_left, len(data))
                self.upload_left -= take
                data = data[take:]
                if not self.upload_left:
                    answer(b"K")
                continue
            self.pending += data
            if len(self.pending) < 9:
                return
            op, size, data = self.pending[:1], int.from_bytes(self.pending[1:9], "big"), self.pending[9:]
            self.pending = b""
            if op == b"D":
                self.download_left = size
            elif size:
                self.upload_left = size
            else:
                answer(b"K")

    def next_block(self) -> bytes:
        size = min(self.download_left, len(BLOCK))
        self.download_left -= size
        return BLOCK if size == len(BLOCK) else BLOCK[:size]


def serve_engine(kind: str, certfile: str, keyfile: str) -> None:
    from saltare_core import EngineConfig, events

    from saltare_tls import EngineTransport, TLSConfig

    if kind == "python":
        from saltare_core import _pybackend as core

        from saltare_tls import _pybackend as tls
    else:
        from saltare_core import _cbackend as core

        from saltare_tls import _cbackend as tls
    engine = core.Engine(EngineConfig(), http1=None)  # raw: bytes after the handshake
    if kind != "plain":
        engine.set_transport(EngineTransport(tls.TLSContext(TLSConfig(certfile, keyfile))))
    started = events.OPENED if kind == "plain" else events.SECURE
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    engine.add_listener(listener)
    high_water = engine.config.high_water
    conns: dict[int, Commands] = {}

    def send_more(handle: int) -> None:
        commands = conns[handle]
        while commands.download_left:
            if engine.write(handle, commands.next_block()) > high_water:
                return  # DRAINED continues

    print(listener.getsockname()[1], flush=True)
    while True:
        timeout = engine.next_deadline()
        ready, _, _ = select.select([engine.fileno(), sys.stdin], [], [], 1.0 if timeout is None else timeout)
        if sys.stdin in ready:
            break
        for event in engine.poll():
            handle = event.handle
            if event.kind == started:
                conns[handle] = Commands()
                engine.resume_reading(handle)
            elif event.kind == events.RAW:
                conns[handle].feed(event.data, lambda reply, h=handle: engine.write(h, reply))
                send_more(handle)
            elif event.kind == events.DRAINED and handle in conns:
                send_more(handle)
            elif event.kind == events.CLOSED:
                conns.pop(handle, None)
    engine.destroy()
    listener.close()


class AsyncioBulk(asyncio.Protocol):
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.commands = Commands()
        self.paused = False

    def data_received(self, data: bytes) -> None:
        self.commands.feed(data, self.transport.write)
        self.send_more()

    def send_more(self) -> None:
        while self.commands.download_left and not self.paused:
            self.transport.write(self.commands.next_block())  # may call pause_writing

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self.send_more()


async def serve_asyncio(certfile: str, keyfile: str) -> None:
    from saltare_tls import TLSConfig, build_context

    loop = asyncio.get_running_loop()
    server = await loop.create_server(AsyncioBulk, "127.0.0.1", 0, backlog=1024,
                                      ssl=build_context(TLSConfig(certfile, keyfile)))
    print(server.sockets[0].getsockname()[1], flush=True)
    stdin_closed = asyncio.Event()
    loop.add_reader(sys.stdin, stdin_closed.set)  # readable at EOF: the parent is done
    await stdin_closed.wait()
    loop.remove_reader(sys.stdin)
    server.close()


def main() -> None:
    kind, certfile, keyfile = sys.argv[1:4]
    if kind == "asyncio":
        asyncio.run(serve_asyncio(certfile, keyfile))
    else:
        serve_engine(kind, certfile, keyfile)


if __name__ == "__main__":
    main()
