"""httpx (HTTP/2 by prior knowledge) against the socket server."""

import asyncio

import httpx


def test_httpx_sync_get_and_post(serve):
    server = serve()
    with httpx.Client(http1=False, http2=True, timeout=5) as client:
        response = client.get(f"http://127.0.0.1:{server.port}/hello")
        assert (response.http_version, response.status_code, response.text) == ("HTTP/2", 200, "/hello")
        response = client.post(f"http://127.0.0.1:{server.port}/echo", content=b"x" * 300_000)
        assert response.content == b"x" * 300_000
        response = client.get(f"http://127.0.0.1:{server.port}/bytes/1000000")
        assert response.content == bytes(i % 251 for i in range(1_000_000))
    assert len(server.connections) == 1


def test_httpx_concurrent_requests_share_one_connection(serve):
    server = serve()

    async def main():
        async with httpx.AsyncClient(http1=False, http2=True, timeout=5) as client:
            url = f"http://127.0.0.1:{server.port}"
            return await asyncio.gather(*[client.post(f"{url}/echo", content=str(i).encode() * 5000) for i in range(20)])

    responses = asyncio.run(main())
    assert [r.content for r in responses] == [str(i).encode() * 5000 for i in range(20)]
    assert len(server.connections) == 1
    assert len(server.app.requests) == 20
