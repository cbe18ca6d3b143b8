"""eager.py: a request task takes its first step before the factory returns,
as a real Task, and nothing else the loop schedules runs early."""

import asyncio
import contextvars

import pytest

from saltare.eager import eager_task_starter

request_id = contextvars.ContextVar("request_id", default="outer")


def run_in_callback(body):
    """Run body(loop, start) from a plain loop callback (no task is current),
    as the server's engine reader does; return what it returned."""

    async def main():
        loop = asyncio.get_running_loop()
        start = eager_task_starter(loop)
        done = loop.create_future()
        loop.call_soon(lambda: done.set_result(body(loop, start)))
        result = await done
        await asyncio.sleep(0.01)
        return result

    return asyncio.run(main())


def test_first_step_runs_before_the_factory_returns():
    log = []

    async def app():
        log.append(("step", request_id.get()))
        return 1

    def body(loop, start):
        task = start(app())
        log.append("returned")
        return task

    task = run_in_callback(body)
    assert log == [("step", "outer"), "returned"]
    assert task.done() and task.result() == 1


def test_current_task_during_the_first_step_is_the_task():
    seen = []

    async def app():
        seen.append(asyncio.current_task())

    task = run_in_callback(lambda loop, start: start(app()))
    assert seen == [task]


def test_a_suspended_task_resumes_through_the_loop_in_its_own_context():
    log = []

    async def app():
        request_id.set("inner")
        await asyncio.sleep(0)
        log.append(("resumed", request_id.get()))
        return "ok"

    def body(loop, start):
        task = start(app())
        log.append(("after start", task.done()))
        return task

    task = run_in_callback(body)
    assert log == [("after start", False), ("resumed", "inner")]
    assert task.result() == "ok"
    assert request_id.get() == "outer"


def test_other_call_soon_calls_are_not_run_early():
    log = []

    async def app():
        asyncio.get_running_loop().call_soon(log.append, "soon")
        log.append("step")

    def body(loop, start):
        start(app())
        log.append("returned")
        # A later task is eager again: the stand-in was one-shot per task.
        start(app())
        log.append("returned again")

    run_in_callback(body)
    assert log == ["step", "returned", "step", "returned again", "soon", "soon"]


def test_a_constructor_failure_leaves_the_loop_as_it_was():
    def body(loop, start):
        with pytest.raises(TypeError):
            start("not a coroutine")
        fired = []
        loop.call_soon(fired.append, 1)
        return fired

    fired = run_in_callback(body)
    assert fired == [1]  # call_soon schedules again, it does not run at once


def test_an_exception_in_the_first_step_is_the_tasks_result():
    async def app():
        raise ValueError("boom")

    task = run_in_callback(lambda loop, start: start(app()))
    assert isinstance(task.exception(), ValueError)


def test_a_loop_without_an_instance_dict_gets_none():
    class SlottedLoop:
        __slots__ = ()

    assert eager_task_starter(SlottedLoop()) is None
