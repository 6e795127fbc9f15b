"""Concurrent requests in one test succeed, see each other's writes, and leave nothing behind.

The same test runs twice; whichever copy runs second proves the first one left nothing behind,
in either order (pytest-randomly shuffles them).
"""

import asyncio

import pytest
from httpx import AsyncClient

REQUESTS = 20


@pytest.mark.parametrize("copy", ["first", "second"])
async def test_concurrent_creates_all_succeed_and_are_listed(
    client: AsyncClient, copy: str
) -> None:
    assert (await client.get("/tickets/all")).json() == {"tickets": []}

    sold = {"is_sold": True, "sold_to": copy}
    creates = [client.post("/tickets/create", json={"price": p, **sold}) for p in range(REQUESTS)]
    responses = await asyncio.gather(*creates)

    assert [response.status_code for response in responses] == [201] * REQUESTS
    listed = (await client.get("/tickets/all")).json()["tickets"]
    assert sorted(ticket["price"] for ticket in listed) == list(range(REQUESTS))
