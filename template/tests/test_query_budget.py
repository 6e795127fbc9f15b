"""The query budget: a list route's cost does not grow with the rows it returns (N+1 guard)."""

import pytest
from httpx import AsyncClient

from .factories import make_ticket
from .harness.query_budget import assert_max_queries

TICKETS = 5


async def test_listing_tickets_costs_the_same_queries_for_any_number_of_them(
    client: AsyncClient,
) -> None:
    for price in range(TICKETS):
        await make_ticket(client, price=price)

    # One count, one page: a query per ticket (an awaited load in a loop) would exceed it. A
    # relationship read without `selectinload` raises MissingGreenlet instead (troubleshooting).
    with assert_max_queries(2):
        response = await client.get("/tickets")

    assert response.json()["total"] == TICKETS


async def test_the_budget_counts_the_app_statements_but_not_transaction_control(
    client: AsyncClient,
) -> None:
    # Creating a ticket is one INSERT, wrapped in BEGIN / SAVEPOINT / RELEASE / COMMIT.
    with assert_max_queries(1):
        created = await client.post("/tickets/create", json={"price": 1})

    too_many = pytest.raises(AssertionError, match="at most 0 SQL statements, the code sent 1")
    with too_many, assert_max_queries(0):
        await client.get(f"/tickets/{created.json()['id']}")
