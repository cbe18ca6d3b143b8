"""A tiny threaded WebSocket echo server built on saltare_ws, for the interop
tests: real sockets on 127.0.0.1, port 0, one connection at a time."""

import socket
import threading

from saltare_ws import BytesMessage, CloseConnection, ConnectionFailed, Rejection, TextMessage, accept, read_upgrade

BIG = 1 << 20  # messages over this are answered with their length, not echoed
TIMEOUT = 20.0  # every socket wait is bounded


def read_head(sock: socket.socket) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > 65536:
            raise ConnectionError("no request head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    request_line, *lines = head.split(b"\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(b":") for line in lines)]
    return request_line.split(b" ")[0], headers, rest


class EchoServer:
    def __init__(self, backend, config, subprotocol_choice=None, echo_limit=BIG):
        self.backend = backend
        self.echo_limit = echo_limit
        self.config = config
        self.subprotocol_choice = subprotocol_choice
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/"
        self.connections: list[dict] = []  # per connection: acceptance, events
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            with sock:
                sock.settimeout(TIMEOUT)
                try:
                    self._handle(sock)
                except OSError:
                    pass  # the client went away; the test checks what it recorded

    def _handle(self, sock: socket.socket) -> None:
        record = {"events": [], "acceptance": None}
        self.connections.append(record)
        method, headers, rest = read_head(sock)
        request = read_upgrade(method, headers)
        if isinstance(request, Rejection):
            sock.sendall(request.response())
            return
        choice = self.subprotocol_choice(request.subprotocols) if self.subprotocol_choice else None
        acceptance = accept(request, subprotocol=choice, config=self.config)
        record["acceptance"] = acceptance
        sock.sendall(acceptance.head)
        conn = self.backend.ServerConnection(self.config, deflate=acceptance.deflate)
        data = rest
        while True:
            events = conn.receive_data(data)
            record["events"].extend(events)
            out = bytearray(conn.data_to_send())
            for event in events:
                if isinstance(event, (TextMessage, BytesMessage)) and conn.state.value == "open":
                    reply = event.data if len(event.data) <= self.echo_limit else str(len(event.data))
                    out += conn.send(reply)
            if out:
                sock.sendall(out)
            if conn.state.value == "closed" or any(isinstance(e, (CloseConnection, ConnectionFailed)) for e in events):
                return
            data = sock.recv(262144) or None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT)
        self.listener.close()
