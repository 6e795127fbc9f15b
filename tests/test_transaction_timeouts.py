"""The service's statement timeout bounds a COMMIT and a ROLLBACK too, on both PostgreSQL
drivers: a server (or network) that stops answering at a transaction's end gives the request an
error, not a wait as long as the server's. (asyncpg's command_timeout covers them; psycopg's
cursor does not see them.) A meta-test: psycopg's wait after a cut-short statement (~10 s) would
cost every generated suite as much."""

from pathlib import Path

import pytest

from .rendering import render
from .running import install, output_of, run_suite

FROZEN_AT_THE_END = """\
import asyncio

import pytest
from sqlalchemy import URL, text
from sqlalchemy.exc import DBAPIError

from ticketing_service.database import create_engine

from .test_database_problems import CANCEL_WAIT, PATIENCE, FreezingProxy, freezing_proxy

__all__ = ["freezing_proxy"]


@pytest.mark.parametrize("end", ["commit", "rollback"])
async def test_a_transactions_end_is_bounded(
    freezing_proxy: tuple[FreezingProxy, URL], end: str
) -> None:
    proxy, url = freezing_proxy
    engine = create_engine(url, statement_timeout=0.5, pool_pre_ping=False)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # a transaction, open on the server
            proxy.frozen.set()
            with pytest.raises(DBAPIError):
                async with asyncio.timeout(PATIENCE + CANCEL_WAIT):
                    await getattr(connection, end)()
    finally:
        await engine.dispose()
"""


@pytest.mark.parametrize("db_driver", ["asyncpg", "psycopg"])
def test_a_server_that_stops_answering_at_commit_or_rollback_is_an_error_in_time(
    project_path: Path, postgres_url: str, db_driver: str
) -> None:
    project = install(render(project_path, db_driver=db_driver))
    frozen = project / "tests" / "test_frozen_at_the_end.py"
    frozen.write_text(FROZEN_AT_THE_END)

    result = run_suite(project, "-p", "no:randomly", str(frozen), TEST_DATABASE_URL=postgres_url)

    assert result.returncode == 0, output_of(result)
    assert " 2 passed" in result.stdout, result.stdout
