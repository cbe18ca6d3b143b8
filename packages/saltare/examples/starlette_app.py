"""A Starlette app: routing, JSON, a streaming response, a background task
and lifespan state. Needs `pip install starlette`.

Run it from packages/saltare with:

    saltare starlette_app:app --app-dir examples
"""

import contextlib

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

done_tasks: list[str] = []


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"started": True}


async def hello(request):
    return JSONResponse({"hello": request.path_params.get("name", "world"), "state": request.state.started})


async def numbers(request):
    async def lines():
        for i in range(3):
            yield f"{i}\n"

    return StreamingResponse(lines(), media_type="text/plain")


async def later(request):
    return JSONResponse({"queued": True}, background=BackgroundTask(done_tasks.append, "ran"))


async def tasks(request):
    return JSONResponse({"done": done_tasks})


app = Starlette(
    routes=[
        Route("/", hello),
        Route("/hello/{name}", hello),
        Route("/numbers", numbers),
        Route("/later", later),
        Route("/tasks", tasks),
    ],
    lifespan=lifespan,
)
