"""What every reference shares: its own database, an engine, the app and `client` (bench only).

Nothing here comes from the generated harness, so a reference costs the same in any project.
The database is created on the server BENCH_SERVER_URL names and dropped at the end; each
reference's conftest defines `sessionmaker`, where the app's requests get their sessions.
"""

import os
import secrets
from collections.abc import AsyncIterator

import pytest_asyncio
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from ticketing_service.database import create_engine, get_session
from ticketing_service.main import create_app
from ticketing_service.settings import Settings


def as_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@pytest_asyncio.fixture(scope="session")
async def database_url() -> AsyncIterator[URL]:
    server = make_url(os.environ["BENCH_SERVER_URL"]).set(drivername="postgresql+asyncpg")
    name = f"bench_reference_{secrets.token_hex(4)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name)
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(as_text(database_url))
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="session")
async def app(database_url: URL) -> FastAPI:
    return create_app(Settings(database_url=as_text(database_url)))


@pytest_asyncio.fixture
async def client(
    app: FastAPI, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncClient]:
    async def reference_session() -> AsyncIterator[AsyncSession]:
        async with sessionmaker() as session:
            yield session

    app.dependency_overrides[get_session] = reference_session
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
