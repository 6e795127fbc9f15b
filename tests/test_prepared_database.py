"""The prepared database each pytest process copies: a process that needs it after its builder
dropped it (the builder's run ended first) builds it again, also when it went between the check
under the lock and the copy (which runs outside the lock, so that workers copy side by side)."""

from pathlib import Path

import pytest

from .answers import Answers, parametrize_answers
from .rendering import Project
from .running import assert_ok, run_suite

# Dropped into a project of its own: it drops the prepared database, then changes the schema,
# so the reset must copy the database again from a prepared database that is gone.
PREPARED_DATABASE_GONE = """
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.harness import databases
from tests.harness.databases import WorkerDatabase
from tests.harness.prepared import prepared_name


def ticket_columns(connection: Connection) -> list[str]:
    return [column["name"] for column in inspect(connection).get_columns("tickets")]


async def drop_the_prepared_database(worker_db: WorkerDatabase) -> None:
    assert worker_db.preparation is not None
    name = prepared_name(worker_db.preparation)
    if worker_db.url.get_backend_name() == "sqlite":
        assert worker_db.url.database is not None
        (Path(worker_db.url.database).parent / f"{name}.sqlite3").unlink()
    else:
        async with databases.admin_connection(worker_db.server_url) as admin:
            await databases.drop_database(admin, name)


@pytest.mark.parametrize("copy", ["first", "second"])
async def test_the_schema_changes_after_the_prepared_database_is_gone(
    namespace_engine: AsyncEngine, worker_db: WorkerDatabase, copy: str
) -> None:
    await drop_the_prepared_database(worker_db)
    async with namespace_engine.begin() as connection:
        assert "note" not in await connection.run_sync(ticket_columns)
        await connection.execute(text("ALTER TABLE tickets ADD COLUMN note VARCHAR(20)"))
"""
# PostgreSQL only: the prepared database is dropped after this process found it, before its copy.
DROPPED_BEFORE_THE_COPY = """
import dataclasses
from typing import Any

from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.harness import databases
from tests.harness.databases import WorkerDatabase
from tests.harness.prepared import outcomes, prepared_name


class DropsTheTemplateFirst:
    \"\"\"The admin connection, but `prepared` is dropped, as another process would, just before
    the first copy of it starts (after the lock was let go).\"\"\"

    def __init__(self, admin: AsyncConnection, server_url: URL, prepared: str) -> None:
        self.admin, self.server_url, self.prepared = admin, server_url, prepared
        self.dropped = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.admin, name)

    async def execute(self, statement: Any, *args: Any) -> Any:
        if not self.dropped and "TEMPLATE" in str(statement):
            self.dropped = True
            async with databases.admin_connection(self.server_url) as other:
                await databases.drop_database(other, self.prepared)
        return await self.admin.execute(statement, *args)


async def test_a_prepared_database_dropped_before_the_copy_is_built_again(
    worker_db: WorkerDatabase,
) -> None:
    assert worker_db.preparation is not None
    # A kept one: another run's --create-db may drop it any time.
    kept = dataclasses.replace(worker_db.preparation, reuse=True, built_here=False)
    name = prepared_name(kept)
    copies = ["test_prepared_check_first_copy", "test_prepared_check_second_copy"]
    server_url = worker_db.server_url

    async with databases.admin_connection(server_url) as admin:
        try:
            await databases.clone_prepared(admin, server_url, copies[0], kept)
            dropping: Any = DropsTheTemplateFirst(admin, server_url, name)  # as AsyncConnection
            await databases.clone_prepared(dropping, server_url, copies[1], kept)

            assert dropping.dropped
            assert await databases.database_exists(admin, copies[1])
            assert outcomes[-2:] == [f"{name}: built", f"{name}: built"]
        finally:
            for database in [*copies, name]:
                await databases.drop_database(admin, database)
"""
ROWS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "function", "project_name": "Prepared Check"},
    {"db_driver": "aiosqlite", "test_scope": "function", "project_name": "Prepared Check"},
]


@pytest.fixture
def project(installed_project: Project, answers: Answers) -> Path:
    project = installed_project(**answers)
    (project / "tests" / "test_prepared_database_gone.py").write_text(PREPARED_DATABASE_GONE)
    return project


@parametrize_answers(ROWS)
def test_a_prepared_database_its_builder_dropped_is_built_again(
    project: Path, answers: Answers
) -> None:
    result = run_suite(
        project,
        "-p",
        "no:randomly",
        "tests/test_prepared_database_gone.py",
        "tests/test_tickets.py",
    )

    assert_ok(result)


def test_a_prepared_database_dropped_before_the_copy_is_built_again(
    installed_project: Project,
) -> None:
    project = installed_project(**ROWS[0])
    (project / "tests" / "test_dropped_before_the_copy.py").write_text(DROPPED_BEFORE_THE_COPY)

    result = run_suite(project, "-p", "no:randomly", "tests/test_dropped_before_the_copy.py")

    assert_ok(result)
