"""Pre-fork workers: the master binds and imports once, then forks and watches.

The master runs no event loop: it sleeps in select() on a signal wake-up
pipe, reaps workers, restarts the ones that die (with back-off), forwards
SIGTERM/SIGINT for a graceful drain, and exits when every worker is gone.
"""

import asyncio
import gc
import os
import select
import signal
import time

from saltare_core import listeners, process

from . import logs

EXIT_OK, EXIT_FAILED, EXIT_STARTUP_FAILED = 0, 1, 3
MAX_BACKOFF = 10.0
STABLE_AFTER = 30.0  # a worker that lived this long resets its slot's back-off
KILL_GRACE = 5.0  # after the graceful timeout, how long before SIGKILL


class Worker:
    __slots__ = ("slot", "pid", "born")

    def __init__(self, slot: int, pid: int) -> None:
        self.slot, self.pid, self.born = slot, pid, time.monotonic()


class Supervisor:
    def __init__(self, app, options: dict, listener, count: int, *, tls=None, on_ready=None) -> None:
        self.app = app
        self.tls = tls
        self.options = options
        self.listener = listener
        self.count = count
        self.on_ready = on_ready
        self.workers: dict[int, Worker] = {}
        self.failures = [0] * count
        self.restarts: dict[int, float] = {}  # slot -> monotonic time it may restart
        self.signals = 0
        self.stopping_since = None
        self.exit_code = EXIT_OK
        self.master_pid = os.getpid()

    def run(self) -> int:
        self.rehearse()
        gc.collect()
        gc.freeze()  # the app's objects stay shared copy-on-write in every worker
        process.trim_heap()  # free heap pages are not handed to every worker
        wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.wake = (wake_r, wake_w)
        signal.set_wakeup_fd(wake_w)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_stop_signal)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        try:
            for slot in range(self.count):
                self._spawn(slot)
            # The master only watches from now on: the pages of the files it
            # alone touched (importing the app: a framework's compiled
            # modules, mostly) go back to the kernel; the workers' stay.
            process.release_file_pages()
            process.trim_heap()  # and what the spawning itself left free
            if self.on_ready is not None:
                self.on_ready()
            return self._watch()
        finally:
            signal.set_wakeup_fd(-1)
            os.close(wake_r)
            os.close(wake_w)

    def rehearse(self) -> None:
        """Build and tear down what each worker builds first: an event loop
        that runs a task, and an engine.

        What the interpreter does the first time code runs (importing lazily,
        specialising bytecode, filling caches) then happens once, here, in
        pages the workers share; done in each worker it was copied into each
        one's private memory (about 0.3 MiB a worker, measured).
        """
        from .main import loop_factory
        from .server import engine_config, make_engine

        loop = loop_factory(self.options["loop"])()
        try:
            loop.run_until_complete(asyncio.sleep(0))
        finally:
            loop.close()
        make_engine(engine_config(self.options)).destroy()

    def _on_stop_signal(self, signum, frame) -> None:
        self.signals += 1

    def _watch(self) -> int:
        handled_signals = 0
        while True:
            timeout = 1.0
            if self.restarts:
                timeout = max(0.0, min(timeout, min(self.restarts.values()) - time.monotonic()))
            try:
                select.select([self.wake[0]], [], [], timeout)
                os.read(self.wake[0], 512)
            except (BlockingIOError, InterruptedError):
                pass
            if self.signals > handled_signals:
                handled_signals = self.signals
                if self.stopping_since is not None and handled_signals > 1:
                    logs.warning("second signal: killing the workers")
                    self._signal_all(signal.SIGKILL)
                    self._reap()
                    return EXIT_FAILED
                self._stop()
            self._reap()
            if self.stopping_since is not None:
                if not self.workers:
                    return self.exit_code
                limit = self.options["timeout_graceful_shutdown"] + KILL_GRACE
                if time.monotonic() - self.stopping_since > limit:
                    logs.warning("workers did not drain in time: killing them")
                    self._signal_all(signal.SIGKILL)
                continue
            now = time.monotonic()
            for slot, due in list(self.restarts.items()):
                if due <= now:
                    del self.restarts[slot]
                    self._spawn(slot)

    def _stop(self) -> None:
        if self.stopping_since is None:
            logs.info(f"stopping {len(self.workers)} worker(s) gracefully")
            self.stopping_since = time.monotonic()
            self.restarts.clear()
            self._signal_all(signal.SIGTERM)
            if self.options["fd"] is None:  # an inherited socket stays its owner's to queue on
                # Once the workers stop accepting, new connections are refused, not left to hang.
                listeners.refuse(self.listener)

    def _signal_all(self, signum: int) -> None:
        for worker in self.workers.values():
            try:
                os.kill(worker.pid, signum)
            except ProcessLookupError:
                pass

    def _reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is not None:
                self._on_exit(worker, status)

    def _on_exit(self, worker: Worker, status: int) -> None:
        if self.stopping_since is not None:
            return
        code = os.waitstatus_to_exitcode(status)
        if code == EXIT_STARTUP_FAILED:
            logs.error(f"worker {worker.pid} failed its lifespan startup: stopping")
            self.exit_code = EXIT_STARTUP_FAILED
            self._stop()
            return
        if code == EXIT_OK:
            logs.info(f"worker {worker.pid} recycled: starting a new one")
            self._spawn(worker.slot)
            return
        lived = time.monotonic() - worker.born
        if lived > STABLE_AFTER:
            self.failures[worker.slot] = 0
        self.failures[worker.slot] += 1
        delay = min(0.1 * 2 ** (self.failures[worker.slot] - 1), MAX_BACKOFF)
        how = f"signal {-code}" if code < 0 else f"exit code {code}"
        logs.error(f"worker {worker.pid} died unexpectedly ({how}): restarting it in {delay:.1f} s")
        self.restarts[worker.slot] = time.monotonic() + delay

    def _spawn(self, slot: int) -> None:
        pid = os.fork()
        if pid:
            self.workers[pid] = Worker(slot, pid)
            return
        code = EXIT_FAILED
        try:
            code = self._worker_main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else EXIT_FAILED
        except BaseException as exc:
            logs.exception("worker crashed", exc)
        finally:
            os._exit(code)

    def _worker_main(self) -> int:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.close(self.wake[0])
        os.close(self.wake[1])
        process.set_parent_death_signal(signal.SIGTERM)
        if os.getppid() != self.master_pid:  # the master died before prctl took effect
            return EXIT_OK
        from .main import serve_here

        return serve_here(self.app, self.options, self.listener, tls=self.tls, worker=True)
