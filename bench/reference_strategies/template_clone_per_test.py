"""Reference: a template database with the tables, cloned (`CREATE DATABASE ... TEMPLATE`) per test.

Each test gets its own database and engine; the clone is dropped after the test.
"""

import itertools
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import URL, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool
from ticketing_service.models import Base

_numbers = itertools.count(1)


@pytest_asyncio.fixture(scope="session")
async def admin_engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    """Connected to the server's maintenance database, where CREATE/DROP DATABASE run."""
    admin = create_async_engine(database_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    yield admin
    await admin.dispose()


@pytest_asyncio.fixture(scope="session")
async def template_database(admin_engine: AsyncEngine, database_url: URL) -> AsyncIterator[URL]:
    name = f"{database_url.database}_template"
    async with admin_engine.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    template_url = database_url.set(database=name)
    # No connection may stay open on a template while it is cloned: NullPool closes it.
    engine = create_async_engine(template_url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()
    yield template_url
    async with admin_engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture
async def sessionmaker(
    admin_engine: AsyncEngine, template_database: URL
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    name = f"{template_database.database}_{next(_numbers)}"
    async with admin_engine.connect() as connection:
        await connection.execute(
            text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database.database}"')
        )
    engine = create_async_engine(template_database.set(database=name))
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()
    async with admin_engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
