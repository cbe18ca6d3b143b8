"""Request tasks whose first step runs at once (Python 3.12's eager start, on 3.11).

A new asyncio.Task schedules its first step with loop.call_soon, so the app
starts one loop iteration after the request arrived: on the asyncio loop, a
whole extra pass through the selector and the ready queue for every request.
Most ASGI apps answer a small request without ever waiting, so the whole
request can be served in the iteration that read it.

The task is a real Task all along: the first step runs inside it (current_task()
is the task, as anyio and Starlette require), in the task's own context, and an
await that does suspend resumes through the loop as usual. Only that one
call_soon, made by the Task's constructor, runs at once: the loop's own
call_soon is back before the step starts.
"""

import asyncio


def eager_task_starter(loop):
    """A task factory for `loop` whose tasks take their first step before it
    returns, or None when the loop's call_soon cannot be stood in for (uvloop:
    its iterations are cheap anyway)."""
    if not hasattr(loop, "__dict__"):
        return None
    # call_soon is put in the loop's instance dict once, here: each task then
    # swaps its value, instead of adding and deleting a key every time.
    call_soon = loop.call_soon = loop.call_soon

    def run_now(callback, *args, context=None):
        loop.call_soon = call_soon
        if context is None:
            callback(*args)
        else:
            context.run(callback, *args)

    def start(coro) -> asyncio.Task:
        loop.call_soon = run_now
        try:
            return asyncio.Task(coro, loop=loop)
        finally:
            loop.call_soon = call_soon  # also when the constructor failed before scheduling

    return start
