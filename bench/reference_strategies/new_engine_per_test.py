"""Reference: a new engine for every test, `create_all` before it and `drop_all` after it.

The shape most tutorials show. The engine keeps its default connection pool for the test's
requests, which is kinder to this strategy than the NullPool many of them use.
"""

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from ticketing_service.models import Base


@pytest_asyncio.fixture
async def sessionmaker(database_url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()
