"""The test module dropped into every generated project to scale its suite to N tests.

One representative test (create a ticket through the API, buy it, get it, list it) is repeated
in classes of ten, so every strategy pays its fixture cost per test and the class strategy once
per class. BENCH_TESTS (a multiple of ten) sets N.
"""

from pathlib import Path

TESTS_PER_CLASS = 10
MODULE_NAME = "test_bench_scaled.py"

SCALED_MODULE = '''\
"""Written by the benchmark (bench/scaled_tests.py): one lifecycle test, BENCH_TESTS times."""

import os

import pytest
from httpx import AsyncClient

TESTS_PER_CLASS = {tests_per_class}


class Lifecycle:
    @pytest.mark.parametrize("i", range(TESTS_PER_CLASS))
    async def test_ticket_lifecycle(self, client: AsyncClient, i: int) -> None:
        created = await client.post("/tickets/create", json={{"price": i}})
        assert created.status_code == 201, created.text
        ticket = created.json()

        bought = await client.post(
            "/tickets/buy", json={{"ticket_id": ticket["id"], "user": f"user{{i}}"}}
        )
        assert bought.status_code == 200, bought.text

        fetched = await client.get(f"/tickets/{{ticket['id']}}")
        assert fetched.json() == {{**ticket, "is_sold": True, "sold_to": f"user{{i}}"}}

        # One row, whatever the strategy left in the table: the same work for every strategy.
        listed = await client.get("/tickets/all", params={{"limit": 1}})
        assert len(listed.json()["tickets"]) == 1


for number in range(int(os.environ.get("BENCH_TESTS", "10")) // TESTS_PER_CLASS):
    globals()[f"TestBatch{{number:04d}}"] = type(f"TestBatch{{number:04d}}", (Lifecycle,), {{}})
'''


def write_scaled_module(directory: Path) -> Path:
    path = directory / MODULE_NAME
    path.write_text(SCALED_MODULE.format(tests_per_class=TESTS_PER_CLASS))
    return path
