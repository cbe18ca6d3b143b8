"""A FastAPI app: routing with path and query parameters, JSON in and out
(validated by pydantic), a streaming response, a background task and
lifespan state. Needs `pip install fastapi`.

Run it from packages/saltare with:

    saltare fastapi_app:app --app-dir examples
"""

import contextlib

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

done_tasks: list[str] = []


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"started": True}


app = FastAPI(lifespan=lifespan)


class Item(BaseModel):
    name: str
    price: float


@app.get("/items/{item_id}")
async def read_item(item_id: int, request: Request, q: str | None = None):
    return {"item_id": item_id, "q": q, "state": request.state.started}


@app.post("/items")
async def create_item(item: Item):
    return {"name": item.name, "price_with_tax": round(item.price * 1.2, 2)}


@app.get("/numbers")
async def numbers():
    async def lines():
        for i in range(3):
            yield f"{i}\n"

    return StreamingResponse(lines(), media_type="text/plain")


@app.post("/later")
async def later(background: BackgroundTasks):
    background.add_task(done_tasks.append, "ran")
    return {"queued": True}


@app.get("/tasks")
async def tasks():
    return {"done": done_tasks}
