"""One serving process: an engine on an asyncio loop, running one ASGI app.

The engine's epoll fd is registered once with loop.add_reader; each wake-up
polls a batch of events and routes them to RequestCycles (asgi_http.py).
"""

import asyncio
import gc
import os
import signal
from asyncio import current_task
from functools import partial

import saltare_core
from saltare_core import events as ev
from saltare_core.config import EngineConfig, Http1Limits
from saltare_core import listeners, process
from saltare_core.counters import R1XX
from saltare_http1 import percent_decode_path, write_response_head

from . import logs
from .asgi_http import ASGI, RequestCycle, plain_response
from .eager import eager_task_starter
from .lifespan import Lifespan, LifespanFailed

EXIT_OK, EXIT_STARTUP_FAILED = 0, 3
IDLE_TRIM_DELAY = 30.0
BATCH_MAX = 16384  # responses up to this size wait for the end of the loop iteration
_ERROR_TEXT = {400: b"Bad Request", 408: b"Request Timeout", 413: b"Content Too Large",
               414: b"URI Too Long", 431: b"Request Header Fields Too Large", 501: b"Not Implemented",
               503: b"Service Unavailable", 505: b"HTTP Version Not Supported"}


def engine_config(options: dict) -> EngineConfig:
    return EngineConfig(
        header_timeout=options["header_timeout"],
        body_timeout=options["body_timeout"],
        keepalive_timeout=options["timeout_keep_alive"],
        write_timeout=options["write_timeout"],
        max_connections_per_ip=options["max_connections_per_ip"],
        handshake_timeout=options["ssl_handshake_timeout"],
        max_handshakes=options["ssl_max_handshakes"],
        http1_limits=Http1Limits(
            max_head_bytes=min(options["max_request_head_bytes"], 16384),
            max_target_bytes=options["max_request_uri"],
            max_body_bytes=options["max_request_body"] or None,
        ),
    )


def make_engine(config: EngineConfig):
    """The engine with the HTTP/1 parser of the same kind (C table or Python module)."""
    if saltare_core.backend == "c":
        try:
            from saltare_http1 import _cbackend as http1_c
        except ImportError:
            pass
        else:
            return saltare_core.Engine(config, http1=http1_c.c_api_address())
    from saltare_core import _pybackend as core_python
    from saltare_http1 import _pybackend as http1_python

    return core_python.Engine(config, http1=http1_python)


def header_fields(texts: list) -> list:
    """The `--header NAME:VALUE` options as (lower-case name, value) pairs."""
    fields = []
    for text in texts:
        name, _, value = text.partition(":")
        fields.append((name.strip().lower().encode("latin-1"), value.strip().encode("latin-1")))
    return fields


def static_fields(fields: list, server_header: bool) -> bytes:
    """The `server` and `--header` lines, checked by the response writer once."""
    if server_header and all(name != b"server" for name, _ in fields):  # --header server: wins
        fields = [(b"server", b"saltare"), *fields]
    # HEAD: the writer adds no framing field of its own. Raises ValueError on a bad field.
    head = write_response_head(200, fields, request_method=b"HEAD").data
    return head[head.index(b"\r\n") + 2 : -2]


def with_target_host(head, headers: list) -> list:
    """An absolute-form request (`GET http://host/path`): its Host is the
    target's authority, whatever the Host field says (RFC 9112 §3.2.2), so
    the app sees that one (the parser made sure it is http(s) with a host)."""
    target = head.target
    authority = target[target.index(b"//") + 2 : head.path_off - head.target_off]
    if any(name == b"host" for name, _ in headers):
        return [(name, authority if name == b"host" else value) for name, value in headers]
    return [(b"host", authority), *headers]  # an HTTP/1.0 request may have none


def server_address(listener) -> tuple:
    name = listener.getsockname()
    if isinstance(name, str):
        return (name, None)
    return (name[0], name[1])


class Server:
    def __init__(self, app, options: dict, listener, *, tls=None, on_ready=None, worker=False) -> None:
        self.app = app
        self.tls = tls
        self.options = options
        self.listener = listener
        self.on_ready = on_ready
        self.state: dict = {}
        self.cycles: dict[int, RequestCycle] = {}
        self.unsent: list[tuple[int, bytes, bool]] = []  # whole responses not yet written
        self.tasks: set = set()  # the request tasks still running
        self.starting: list[RequestCycle] = []  # this batch's requests, their apps not started yet
        self.new_task = None
        self.eager_task = None  # the same, first step taken at once (eager.py); None: not on this loop
        self.batching = False  # whole responses wait for the end of the batch
        self.draining = False
        # No response from now on keeps its connection: set at once, also
        # when the drain itself waits for the end of this batch of events.
        self.closing_all = False
        self.signalled = False
        self.requests = 0
        self.engine = None
        self.loop = None
        self.stopped = None
        self.poll_timer = None
        self.trim_timer = None
        self.trim_mark = 0  # self.requests when the idle-trim timer was armed
        self.high_water = 65536
        self.write_slice = 0  # set in serve() from the engine's config
        # Alone, the server stops listening for good when it drains; a
        # worker's master decides that (a recycled worker's peers go on), and
        # an inherited socket (--fd) stays its owner's to queue on.
        self.worker = worker
        self.refuse_on_drain = not worker and options["fd"] is None
        self.server = server_address(listener)
        self.root_path = options["root_path"]
        self.limit = options["limit_concurrency"]
        self.max_requests = options["limit_max_requests"]
        self.access_log = options["access_log"]
        fields = header_fields(options["header"])
        self.static_fields = static_fields(fields, options["server_header"])
        # A --header date: line is sent as given, instead of the clock's.
        self.date_header = options["date_header"] and all(name != b"date" for name, _ in fields)
        self._date = self._extra = None
        self.response_counts = None
        self.trusted = None
        if options["proxy_headers"]:
            self.trusted = {ip.strip() for ip in options["forwarded_allow_ips"].split(",") if ip.strip()}

    # -- life cycle --------------------------------------------------------

    async def serve(self) -> int:
        self.loop = asyncio.get_running_loop()
        self.stopped = self.loop.create_future()
        for signum in (signal.SIGTERM, signal.SIGINT):
            self.loop.add_signal_handler(signum, self._on_signal)
        lifespan = Lifespan(self.app, self.options["lifespan"], self.state)
        try:
            await lifespan.startup()
        except LifespanFailed as exc:
            logs.startup_error(f"lifespan startup failed: {exc}", EXIT_STARTUP_FAILED)
            return EXIT_STARTUP_FAILED
        self.engine = make_engine(engine_config(self.options))
        self.high_water = self.engine.config.high_water
        # The largest piece the write cap always admits once the queue has
        # drained below the high-water mark; larger bodies go in such slices.
        self.write_slice = self.engine.config.max_pending - self.high_water
        self.response_counts = self.engine.counters.words[R1XX : R1XX + 5]
        if self.tls is not None:
            self.tls.install(self.engine)
        self.engine.add_listener(self.listener)
        # A Task made directly skips create_task's Python wrapper; an app's
        # task factory, when it set one, is honoured.
        if self.loop.get_task_factory() is None:
            self.new_task = partial(asyncio.Task, loop=self.loop)
            self.eager_task = eager_task_starter(self.loop)
        else:
            self.new_task = self.loop.create_task
        self.loop.add_reader(self.engine.fileno(), self._on_events)
        # What start-up built lives as long as the server: the collector stops
        # walking it (each full collection of a framework's heap costs a
        # request's worth of time), and the heap left over is handed back.
        gc.collect()
        gc.freeze()
        process.trim_heap()
        if self.on_ready is not None:
            self.on_ready()
        if self.signalled:  # a signal during start-up
            self.begin_shutdown()
        await self.stopped
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=1.0)
        self.write_unsent()
        self.loop.remove_reader(self.engine.fileno())
        self.engine.destroy()
        await lifespan.shutdown()
        return EXIT_OK

    def _on_signal(self) -> None:
        if self.signalled:
            if self.worker:
                # A signal to the whole process group (Ctrl-C, systemd) comes
                # once directly and once from the master: not a second request.
                # The master acts on a second signal it gets itself.
                return
            logs.warning("second signal: exiting at once")
            os._exit(1)
        self.signalled = True
        if self.engine is not None:
            self.begin_shutdown()

    def begin_shutdown(self) -> None:
        """Stop accepting, close idle connections, let in-flight requests finish."""
        if self.draining:
            return
        self.draining = self.closing_all = True
        self.engine.shutdown()
        if self.refuse_on_drain:  # new connections are refused, not left to hang
            listeners.refuse(self.listener)
        self.loop.call_later(self.options["timeout_graceful_shutdown"], self._stop)
        self._on_events()

    def _stop(self) -> None:
        if not self.stopped.done():
            if self.cycles:
                logs.warning(f"graceful shutdown timed out with {len(self.cycles)} request(s) in flight")
            self.stopped.set_result(None)

    # -- engine events -----------------------------------------------------

    def _on_events(self) -> None:
        engine = self.engine
        for event in engine.poll():
            kind = event.kind
            if kind == ev.HEAD:
                self._on_head(event.handle, event.info)
            elif kind == ev.BODY:
                cycle = self.cycles.get(event.handle)
                if cycle is not None:
                    cycle.feed(event.data)
            elif kind == ev.END:
                cycle = self.cycles.get(event.handle)
                if cycle is not None:
                    cycle.end()
            elif kind == ev.DRAINED:
                cycle = self.cycles.get(event.handle)
                if cycle is not None:
                    cycle.drained()
            elif kind == ev.CLOSED:
                cycle = self.cycles.pop(event.handle, None)
                if cycle is not None:
                    cycle.lost()
            elif kind == ev.ERROR:
                self._on_error(event.handle, event.value)
            elif kind == ev.SECURE:
                engine.resume_reading(event.handle)  # ALPN offers http/1.1 only
            elif kind == ev.STOPPED:
                self._stop()
        if self.starting:
            self._start_apps()
        deadline = engine.next_deadline()
        if deadline is not None:
            # The Python engine has no timerfd: a loop timer polls it for its deadlines.
            if self.poll_timer is not None:
                self.poll_timer.cancel()
            self.poll_timer = self.loop.call_later(deadline, self._on_events)

    def _on_error(self, handle: int, status: int) -> None:
        cycle = self.cycles.pop(handle, None)
        if cycle is not None:
            cycle.lost()
            if cycle.head_written:
                self.engine.close(handle, True)
                return
        self.answer_error(handle, status)

    def answer_error(self, handle: int, status: int) -> None:
        """Answer with the server's own error response and close."""
        self.engine.write(handle, plain_response(status, _ERROR_TEXT.get(status, b"Bad Request"), self.extra_fields()))
        self.engine.close(handle)

    def _on_head(self, handle: int, head) -> None:
        if self.limit and len(self.cycles) >= self.limit:
            self.answer_error(handle, 503)
            return
        if head.method == b"CONNECT":
            # A tunnel (RFC 9110 §9.3.6) is a proxy's job, and ASGI has none.
            self.answer_error(handle, 501)
            return
        scope = self.scope(handle, head)
        cycle = RequestCycle(self, handle, scope, head)
        self.cycles[handle] = cycle
        self.requests += 1
        if self.requests == self.max_requests and not self.draining:
            # This response already says `connection: close`, so a keep-alive
            # client is not cut off (even if an eager task factory runs the
            # app at once). The drain polls the engine: after this batch.
            logs.info(f"request {self.requests} of --limit-max-requests: draining this worker")
            self.closing_all = True
            self.loop.call_soon(self.begin_shutdown)
        self.starting.append(cycle)

    def _start_apps(self) -> None:
        """Start the apps of this batch's requests, once their bodies that
        came with them are fed (an app then need not wait for them).

        Each runs up to its first real wait at once (eager.py), unless this
        is not a plain loop callback; the whole responses they produce go
        out together at the end, one wake-up of a client for all of them.
        """
        starting, self.starting = self.starting, []
        new_task = self.new_task
        if self.eager_task is not None and current_task(self.loop) is None:
            new_task = self.eager_task
            self.batching = True
        try:
            for cycle in starting:
                task = new_task(cycle.run(self.app))
                if not task.done():
                    self.tasks.add(task)  # the cycle discards it when done
        finally:
            self.batching = False
        if self.unsent:
            self.write_unsent()

    def scope(self, handle: int, head) -> dict:
        raw_path = head.raw_path
        path = percent_decode_path(raw_path)
        root_path = self.root_path
        headers = head.headers
        if head.path_off != head.target_off:
            headers = with_target_host(head, headers)
        peer = self.engine.peer(handle)
        client = peer if peer else None
        scheme = "http" if self.tls is None else "https"
        if self.trusted is not None and client is not None and ("*" in self.trusted or client[0] in self.trusted):
            client, scheme = self._forwarded(headers, client, scheme)
        extensions = {"http.response.trailers": {}, "http.response.zerocopysend": {}, "http.response.pathsend": {}}
        if self.tls is not None:
            extensions["tls"] = self.tls.extension(self.engine, handle)
        return {
            "type": "http",
            "asgi": ASGI,
            "http_version": head.http_version,
            "method": head.method.decode("latin-1"),
            "scheme": scheme,
            "path": root_path + path if root_path else path,
            "raw_path": raw_path,
            "query_string": head.query_string,
            "root_path": root_path,
            "headers": headers,
            "client": client,
            "server": self.server,
            "state": self.state.copy(),
            "extensions": extensions,
        }

    def _forwarded(self, headers, client, scheme):
        """X-Forwarded-For / -Proto from a trusted proxy: the client is the
        right-most address that is not itself a trusted proxy."""
        for name, value in headers:
            if name == b"x-forwarded-proto":
                proto = value.decode("latin-1").strip().lower()
                if proto in ("http", "https", "ws", "wss"):
                    scheme = proto
            elif name == b"x-forwarded-for":
                hosts = [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
                chosen = None
                for host in reversed(hosts):
                    chosen = host
                    if "*" not in self.trusted and host not in self.trusted:
                        break
                if chosen is not None:
                    client = (chosen, 0)
        return client, scheme

    # -- called by cycles --------------------------------------------------

    def extra_fields(self) -> bytes:
        """The `server`, `--header` and `date` lines (checked once at start-up)."""
        if not self.date_header:
            return self.static_fields
        date = logs.date_field()
        if date is not self._date:  # a new second: date_field() made a new line
            self._date = date
            self._extra = self.static_fields + date
        return self._extra

    def done(self, cycle: RequestCycle, keep_alive: bool) -> None:
        """The response is complete: the connection goes back to the engine."""
        if self.cycles.get(cycle.handle) is cycle:
            del self.cycles[cycle.handle]
            self.engine.finish(cycle.handle, keep_alive)
        self._count(cycle)

    def respond(self, cycle: RequestCycle, head: bytes, body: bytes, keep_alive: bool) -> None:
        """A whole response at once: written, and the connection handed back,
        in one engine call, made when this loop iteration's responses are all in.

        Each write to a client that sleeps waits for it wakes the client (on a
        multi-core machine, an interrupt to another core: the write's largest
        cost). The responses the requests of one batch produce are written
        together, so a client with many connections wakes once for them all.
        The last request in flight writes at once: nothing else will join it.
        """
        handle = cycle.handle
        size = len(head) + len(body)
        cycle.bytes_out += size
        if self.cycles.get(handle) is cycle:
            del self.cycles[handle]
            if size > BATCH_MAX:
                # A large body costs its copies, not the wake-up: written now,
                # head and body in one writev (not joined: one copy fewer).
                self.respond_now(handle, head, keep_alive, body)
            else:
                self.unsent.append((handle, head + body, keep_alive))
                if not self.cycles:
                    self.write_unsent()
                elif len(self.unsent) == 1 and not self.batching:  # else _start_apps writes them
                    self.loop.call_soon(self.write_unsent)
        self._count(cycle)

    def write_unsent(self) -> None:
        unsent, self.unsent = self.unsent, []
        respond = self.engine.respond
        for handle, data, keep_alive in unsent:
            try:
                respond(handle, data, keep_alive)  # < 0: the client left; nothing is owed
            except BufferError:
                self.over_cap(handle)

    def respond_now(self, handle: int, head: bytes, keep_alive: bool, body: bytes) -> None:
        if type(body) is not bytes:  # an app's bytearray or memoryview: the engine takes bytes
            body = bytes(body)
        try:
            self.engine.respond(handle, head, keep_alive, body)
        except BufferError:
            self.over_cap(handle)

    def over_cap(self, handle: int) -> None:
        """A response over the engine's write cap: a client that pipelines
        requests without reading the answers. It is cut off; the others are
        not held up."""
        self.engine.close(handle, True)

    def abort(self, cycle: RequestCycle) -> None:
        if self.cycles.get(cycle.handle) is cycle:
            del self.cycles[cycle.handle]
            self.engine.close(cycle.handle, True)
        self._count(cycle)

    def _count(self, cycle: RequestCycle) -> None:
        status = cycle.status
        if 100 <= status <= 599:  # responses by class, in the shared counters
            self.response_counts[status // 100 - 1] += 1
        if self.access_log:
            scope = cycle.scope
            logs.access(scope["method"], scope["path"], cycle.status, cycle.bytes_out)
        if self.trim_timer is None:
            self.trim_mark = self.requests
            self.trim_timer = self.loop.call_later(IDLE_TRIM_DELAY, self._trim_when_idle)

    def _trim_when_idle(self) -> None:
        """The heap goes back once a whole IDLE_TRIM_DELAY passed with no new
        request (no per-request timer: the count is compared instead)."""
        if self.requests != self.trim_mark or self.cycles:
            self.trim_mark = self.requests
            self.trim_timer = self.loop.call_later(IDLE_TRIM_DELAY, self._trim_when_idle)
            return
        self.trim_timer = None
        process.trim_heap()
