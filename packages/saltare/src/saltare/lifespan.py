"""The ASGI lifespan protocol: startup before serving, shutdown after."""

import asyncio

from . import logs


class LifespanFailed(Exception):
    """Startup failed; the message is the app's (or why the app broke)."""


class Lifespan:
    def __init__(self, app, mode: str, state: dict) -> None:
        self.app = app
        self.mode = mode  # "auto" | "on" | "off"
        self.state = state
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outcome: asyncio.Future | None = None
        self.task: asyncio.Task | None = None
        self.unsupported = False

    async def startup(self) -> None:
        if self.mode == "off":
            return
        loop = asyncio.get_running_loop()
        self.task = loop.create_task(self._main())
        await self._step("startup")

    async def shutdown(self) -> None:
        if self.task is None or self.unsupported or self.task.done():
            return
        try:
            await self._step("shutdown")
        except LifespanFailed as exc:
            logs.error(f"lifespan shutdown failed: {exc}")

    async def _step(self, phase: str) -> None:
        self.outcome = asyncio.get_running_loop().create_future()
        await self.inbox.put({"type": f"lifespan.{phase}"})
        message = await self.outcome
        if message is None:  # the app does not speak lifespan (auto mode)
            return
        if message["type"] == f"lifespan.{phase}.failed":
            raise LifespanFailed(message.get("message", "") or f"lifespan {phase} failed")

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self.app(scope, self.inbox.get, self._send)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                raise
            if self.outcome is not None and not self.outcome.done():
                if self.mode == "auto":
                    self.unsupported = True
                    logs.info(f"the app does not support lifespan ({type(exc).__name__}: {exc}); going on without it")
                    self.outcome.set_result(None)
                else:
                    self.outcome.set_exception(LifespanFailed(f"{type(exc).__name__}: {exc}"))
            else:
                logs.exception("exception in the lifespan protocol", exc)
            return
        if self.outcome is not None and not self.outcome.done():
            # Returned without answering: an app that ignores lifespan.
            self.unsupported = True
            self.outcome.set_result(None)

    async def _send(self, message: dict) -> None:
        kind = message["type"]
        if kind not in ("lifespan.startup.complete", "lifespan.startup.failed",
                        "lifespan.shutdown.complete", "lifespan.shutdown.failed"):
            raise RuntimeError(f"unexpected lifespan message {kind!r}")
        if self.outcome is not None and not self.outcome.done():
            self.outcome.set_result(message)
