"""Baseline, not a strategy: tables created once, nothing undone between tests.

It measures what every strategy pays anyway (pytest-asyncio running async fixtures, the HTTP
client, a sessionmaker); a strategy's fixture cost minus this is its isolation's own cost.
"""

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from ticketing_service.models import Base


@pytest_asyncio.fixture(scope="session")
async def tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)


@pytest_asyncio.fixture
async def sessionmaker(
    engine: AsyncEngine, tables: None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield async_sessionmaker(engine, expire_on_commit=False)
