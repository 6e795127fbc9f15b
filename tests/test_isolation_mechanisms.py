"""Each key mechanism is load-bearing: take it out, and a generated test fails."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from template_facts import DRIVERS, HEAD_REVISION, NEXT_REVISION

from .answers import Answers
from .rendering import render
from .running import install, new_project_folder, output_of, run_suite

CONDITIONAL_PURCHASE = """\
    return await _update_unsold(session, ticket_id, is_sold=True, sold_to=user)
"""
# The purchase as it is often first written: check in Python, then write unconditionally.
READ_THEN_WRITE_PURCHASE = """\
    ticket = await get_ticket(session, ticket_id)
    if ticket.is_sold:
        raise TicketAlreadySoldError(ticket_id)
    ticket.is_sold, ticket.sold_to = True, user
    await session.commit()
    return ticket
"""

LIST_PAGE = """\
    return await fetch_page(session, Ticket, conditions, limit, offset, after_id)
"""
# An N+1: one more query per ticket listed, as a lazy load in a loop sends.
LIST_PAGE_LOADING_EACH_ROW = """\
    found, total = await fetch_page(session, Ticket, conditions, limit, offset, after_id)
    for ticket in found:
        await session.refresh(ticket)
    return found, total
"""

# A leak as projects get one: code committing through an engine of its own, not the `session`.
LEAKING_TESTS = {
    # No transaction of the scope's to roll back: counted after the test.
    "alone": """\
from ticketing_service.database import create_engine, create_sessionmaker
from ticketing_service.models import Ticket


async def test_writes_through_an_engine_of_its_own(database_url: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        session.add(Ticket(price=1))
        await session.commit()
    await engine.dispose()
""",
    # Counted while its transaction is rolled back, and again after its fixtures.
    "beside-requests": """\
from httpx import AsyncClient

from ticketing_service.database import create_engine, create_sessionmaker
from ticketing_service.models import Ticket


async def test_writes_through_an_engine_of_its_own(client: AsyncClient, database_url: str) -> None:
    assert (await client.get("/tickets/all")).status_code == 200
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        session.add(Ticket(price=1))
        await session.commit()
    await engine.dispose()
""",
}

# Seed data committed by a fixture of the given scope, deleted when that scope ends.
SEED_FIXTURE = """\
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from ticketing_service.database import create_engine, create_sessionmaker
from ticketing_service.models import Ticket


@pytest.fixture(scope="{scope}")
async def seeded_ticket(database_url: str) -> AsyncIterator[int]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        ticket = Ticket(price=5)
        session.add(ticket)
        await session.commit()
        yield ticket.id
        await session.delete(ticket)
        await session.commit()
    await engine.dispose()
"""
# Committed before the module's first test, deleted after its last.
MODULE_SEED = (
    SEED_FIXTURE.format(scope="module")
    + """

@pytest.mark.parametrize("reader", ["first", "second"])
async def test_reads_the_seed(seeded_ticket: int, client: AsyncClient, reader: str) -> None:
    assert (await client.get(f"/tickets/{seeded_ticket}")).status_code == 200
"""
)
# First set up by the module's second test, deleted at the run's end.
SESSION_SEED = (
    SEED_FIXTURE.format(scope="session")
    + """

async def test_lists_before_the_seed(client: AsyncClient) -> None:
    assert (await client.get("/tickets/all")).status_code == 200


async def test_reads_the_seed(seeded_ticket: int, client: AsyncClient) -> None:
    assert (await client.get(f"/tickets/{seeded_ticket}")).status_code == 200
"""
)
# A module fixture with parameters: set up again, with more rows, for its second parameter.
PARAMETRIZED_SEED = """\
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy import delete

from ticketing_service.database import create_engine, create_sessionmaker
from ticketing_service.models import Ticket


@pytest.fixture(scope="module", params=[1, 2])
async def seeded_tickets(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[int]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        session.add_all(Ticket(price=5) for _ in range(request.param))
        await session.commit()
        yield request.param
        await session.execute(delete(Ticket))
        await session.commit()
    await engine.dispose()


async def test_lists_the_seed(seeded_tickets: int, client: AsyncClient) -> None:
    assert len((await client.get("/tickets/all")).json()["tickets"]) == seeded_tickets
"""

# A real_commits test deletes every row after it, a module fixture's seed too (documented).
SEED_THEN_REAL_COMMITS = """\
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy import delete

from ticketing_service.database import create_engine
from ticketing_service.models import Ticket


@pytest.fixture(scope="module")
async def seeded(database_url: str) -> AsyncIterator[None]:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(Ticket.__table__.insert().values(price=5))
    yield
    async with engine.begin() as connection:
        await connection.execute(delete(Ticket))
    await engine.dispose()


async def test_reads_the_seed(seeded: None, client: AsyncClient) -> None:
    assert len((await client.get("/tickets/all")).json()["tickets"]) == 1


@pytest.mark.real_commits
async def test_commits_for_real(seeded: None, client: AsyncClient) -> None:
    assert (await client.post("/tickets/create", json={"price": 1})).status_code == 201
"""

# Statements committed through an engine of the test's own.
COMMIT_HELPER = """\
from sqlalchemy import text

from ticketing_service.database import create_engine


async def commit(database_url: str, statement: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text(statement))
    await engine.dispose()
"""

# Committed DDL: the row counts hold, the next tests see the column, the unique index, the type.
DDL_LEAK = (
    COMMIT_HELPER
    + """

async def test_adds_a_column_through_an_engine_of_its_own(database_url: str) -> None:
    await commit(database_url, "ALTER TABLE tickets ADD COLUMN added_by_a_test TEXT")


async def test_adds_an_index_through_an_engine_of_its_own(database_url: str) -> None:
    await commit(database_url, "CREATE UNIQUE INDEX added_by_a_test ON tickets (price)")


async def test_adds_an_enum_type_through_an_engine_of_its_own(database_url: str) -> None:
    await commit(database_url, "CREATE TYPE added_by_a_test AS ENUM ('ok')")
"""
)

# Committed DDL that takes a model table away: it has no rows to count, its columns say it went;
# the other tables are still counted.
TABLE_RENAME_LEAK = (
    COMMIT_HELPER
    + """

async def test_renames_a_table_through_an_engine_of_its_own(database_url: str) -> None:
    await commit(database_url, "ALTER TABLE tickets RENAME TO renamed_by_a_test")


async def test_touches_no_table() -> None:
    pass


async def test_adds_an_event_through_an_engine_of_its_own(database_url: str) -> None:
    await commit(
        database_url,
        "INSERT INTO events (name, venue, starts_at, capacity)"
        " VALUES ('Gig', 'Club', '2030-06-01 20:00:00', 1)",
    )
"""
)


@dataclass(frozen=True)
class Mutation:
    """Replace `mechanism` with `replacement` in `path` of a project rendered with `answers`,
    and the generated test `failing` (a file, or file::test) must then fail."""

    name: str
    answers: Answers
    path: str
    mechanism: str
    replacement: str
    failing: str


MUTATIONS = [
    Mutation(
        "sqlite-begin-hooks",
        {"db_driver": "aiosqlite", "test_scope": "session"},
        "src/ticketing_service/database.py",
        "        _use_sqlite_transactions(engine)\n",
        "        pass\n",
        "test_isolation.py",
    ),
    Mutation(
        "savepoint-join",
        {"db_driver": "asyncpg", "test_scope": "session"},
        "tests/conftest.py",
        'join_transaction_mode="create_savepoint"',
        'join_transaction_mode="conditional_savepoint"',
        "test_tickets.py",
    ),
    Mutation(
        "schema-per-class",
        {"db_driver": "asyncpg", "test_scope": "class"},
        "tests/conftest.py",
        " -c search_path={name},public",
        "",
        "test_isolation.py::TestAnotherClass",
    ),
    Mutation(
        "sqlite-file-per-class",
        {"db_driver": "aiosqlite", "test_scope": "class"},
        "tests/conftest.py",
        "        engine = create_engine(file_url)\n",
        "        engine = create_engine(database_url)\n",
        "test_isolation.py::TestAnotherClass",
    ),
    Mutation(
        "reset-tables-per-test",
        {"db_driver": "psycopg", "test_scope": "function"},
        "tests/conftest.py",
        "    await empty_tables(reset_connection)\n",
        "    pass\n",
        "test_isolation.py",
    ),
    Mutation(
        "the-apps-session-options-in-the-joined-sessions",
        {"db_driver": "asyncpg", "test_scope": "session"},
        "src/ticketing_service/database.py",
        "async_sessionmaker(engine, expire_on_commit=False)",
        "async_sessionmaker(engine)",
        "test_tickets.py",
    ),
    Mutation(
        "purchase-read-then-write",
        {"db_driver": "asyncpg", "test_scope": "session"},
        "src/ticketing_service/ticket_service.py",
        CONDITIONAL_PURCHASE,
        READ_THEN_WRITE_PURCHASE,
        "test_concurrency.py",
    ),
    Mutation(
        "requests-take-turns",
        {"db_driver": "asyncpg", "test_scope": "session"},
        "tests/conftest.py",
        "async with turn, sessionmaker() as session:",
        "async with sessionmaker() as session:",
        "test_concurrent_requests.py",
    ),
    Mutation(
        "reset-for-a-client-asked-for-by-name",
        {"db_driver": "asyncpg", "test_scope": "function"},
        "tests/conftest.py",
        "tables_engine: AsyncEngine, reset_tables: None, request: pytest.FixtureRequest",
        "tables_engine: AsyncEngine, request: pytest.FixtureRequest",
        "test_isolation.py::test_a_client_asked_for_by_name_starts_on_empty_tables_too",
    ),
    Mutation(
        "ids-from-one",
        {"db_driver": "asyncpg", "test_scope": "function"},
        "tests/conftest.py",
        "SELECT {', '.join([settings, *restarts])}",
        "SELECT {settings}",
        "test_isolation.py::test_ids_start_from_one_in_every_test",
    ),
    Mutation(
        "query-budget-lazy-load-per-row",
        {"db_driver": "aiosqlite", "test_scope": "function"},
        "src/ticketing_service/ticket_service.py",
        LIST_PAGE,
        LIST_PAGE_LOADING_EACH_ROW,
        "test_query_budget.py",
    ),
    Mutation(
        "model-changed-without-a-migration",
        {"db_driver": "psycopg", "test_scope": "class"},
        "src/ticketing_service/models.py",
        "    venue: Mapped[str] = mapped_column(String(255))\n",
        "    venue: Mapped[str] = mapped_column(String(200))\n",
        "test_migrations.py",
    ),
    Mutation(
        "rebuild-after-a-schema-change",
        {"db_driver": "asyncpg", "test_scope": "function"},
        "tests/conftest.py",
        "    if any(SCHEMA_CHANGE.search(statement) for statement in SENT):\n",
        "    if False:\n",
        "test_isolation.py::test_a_schema_change_does_not_reach_the_next_test",
    ),
    Mutation(
        "schema-change-noticed-only-at-the-start",
        {"db_driver": "psycopg", "test_scope": "function"},
        "tests/conftest.py",
        "    if any(SCHEMA_CHANGE.search(statement) for statement in SENT):\n",
        "    if any(SCHEMA_CHANGE.match(statement) for statement in SENT):\n",
        "test_isolation.py::test_a_schema_change_does_not_reach_the_next_test",
    ),
    Mutation(
        "sqlite-rebuild-after-a-schema-change",
        {"db_driver": "aiosqlite", "test_scope": "function"},
        "tests/conftest.py",
        "    if any(SCHEMA_CHANGE.search(statement) for statement in SENT):\n",
        "    if False:\n",
        "test_isolation.py::test_a_schema_change_does_not_reach_the_next_test",
    ),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda mutation: mutation.name)
def test_removing_the_mechanism_fails_a_generated_test(
    project_path: Path, mutation: Mutation
) -> None:
    project = mutated(
        project_path, mutation.answers, mutation.path, mutation.mechanism, mutation.replacement
    )

    # Only the file that holds the failing test: the rest of a broken suite would fail slowly.
    result = run_suite(project, "-p", "no:randomly", f"tests/{mutation.failing.split('::')[0]}")

    assert result.returncode == 1, output_of(result)
    assert broken_tests(result, mutation.failing), output_of(result)


def test_a_real_commits_test_without_its_clean_up_fails_the_next_one(project_path: Path) -> None:
    project = mutated(
        project_path,
        {"db_driver": "asyncpg", "test_scope": "session"},
        "tests/conftest.py",
        "        await delete_all_rows(tables_engine)\n",
        "        pass\n",
    )

    # Without the auditor, which would otherwise report the leak and empty the tables itself.
    result = run_suite(
        project, "-p", "no:randomly", "tests/test_real_commits.py", TEST_ISOLATION_AUDIT="off"
    )

    assert result.returncode == 1, output_of(result)
    failed = [line.split(" - ")[0] for line in broken_tests(result, "test_real_commits.py::")]
    assert failed == [
        "FAILED tests/test_real_commits.py::"
        "test_a_commit_through_one_connection_is_seen_through_another[second]"
    ], output_of(result)


def new_audited_project(driver: str) -> Path:
    """A session-scope project of its own: its tests write leaking test files into it."""
    return install(render(new_project_folder("audited-"), db_driver=driver, test_scope="session"))


@pytest.fixture(scope="module")
def audited_project() -> Path:
    return new_audited_project("psycopg")


@pytest.mark.parametrize("leak", LEAKING_TESTS)
def test_the_auditor_names_the_leaking_test_with_its_tables(
    audited_project: Path, leak: str
) -> None:
    project = audited_project
    (project / "tests" / "test_leak.py").write_text(LEAKING_TESTS[leak])
    suite = ("-p", "no:randomly", "tests/test_leak.py", "tests/test_isolation.py")

    audited = run_suite(project, *suite, TEST_ISOLATION_AUDIT="on")
    unaudited = run_suite(project, *suite, TEST_ISOLATION_AUDIT="off")
    ci_false = run_suite(project, *suite, TEST_ISOLATION_AUDIT=None, CI="false")

    assert audited.returncode == 1, output_of(audited)
    assert (
        "Isolation audit: tests/test_leak.py::test_writes_through_an_engine_of_its_own "
        "left committed rows behind in tickets (0 -> 1 rows)"
    ) in audited.stdout, output_of(audited)
    # Only the leaking test is blamed, and the tests after it start clean.
    (blamed,) = broken_tests(audited, "")
    assert blamed.startswith("ERROR tests/test_leak.py::test_writes_through_an_engine_of_its_own")
    # Switched off, the leak goes unreported and the next test pays for it.
    assert broken_tests(unaudited, "test_isolation.py"), output_of(unaudited)
    assert "Isolation audit" not in unaudited.stdout, output_of(unaudited)
    assert "Isolation audit" not in ci_false.stdout, output_of(ci_false)  # CI=false is not CI


def test_the_auditor_counts_afresh_where_a_module_fixture_commits_and_removes_seed_data(
    audited_project: Path,
) -> None:
    project = audited_project
    (project / "tests" / "test_module_seed.py").write_text(MODULE_SEED)
    (project / "tests" / "test_leak.py").write_text(LEAKING_TESTS["alone"])
    suite = ("-p", "no:randomly", "tests/test_module_seed.py", "tests/test_leak.py")

    audited = run_suite(project, *suite, CI="true")

    # Only the leak after the module is blamed: not the seed, nor its removal.
    (blamed,) = broken_tests(audited, "")
    assert blamed.startswith("ERROR tests/test_leak.py::test_writes_through_an_engine_of_its_own")
    assert "3 passed" in audited.stdout, output_of(audited)


def test_the_auditor_blames_no_real_commits_test_for_the_rows_its_clean_up_removes(
    audited_project: Path,
) -> None:
    project = audited_project
    (project / "tests" / "test_seed_then_real_commits.py").write_text(SEED_THEN_REAL_COMMITS)

    audited = run_suite(
        project,
        "-p",
        "no:randomly",
        "tests/test_seed_then_real_commits.py",
        TEST_ISOLATION_AUDIT="on",
    )

    assert audited.returncode == 0, output_of(audited)
    assert "2 passed" in audited.stdout, output_of(audited)


@pytest.mark.parametrize(
    "seed",
    [SESSION_SEED, PARAMETRIZED_SEED],
    ids=["session-fixture-first-used-mid-module", "module-fixture-set-up-again-for-a-parameter"],
)
def test_the_auditor_counts_afresh_after_a_wider_fixture_commits_seed_data(
    audited_project: Path, seed: str
) -> None:
    project = audited_project
    (project / "tests" / "test_seed.py").write_text(seed)

    audited = run_suite(project, "-p", "no:randomly", "tests/test_seed.py", CI="true")

    assert audited.returncode == 0, output_of(audited)
    assert "2 passed" in audited.stdout, output_of(audited)


def test_the_auditor_names_committed_ddl(audited_project: Path) -> None:
    project = audited_project
    (project / "tests" / "test_ddl_leak.py").write_text(DDL_LEAK)
    suite = ("-p", "no:randomly", "tests/test_ddl_leak.py")

    audited = run_suite(project, *suite, CI="true")
    unaudited = run_suite(project, *suite, TEST_ISOLATION_AUDIT="off")

    assert audited.returncode == 1, output_of(audited)
    assert (
        "Isolation audit: tests/test_ddl_leak.py::test_adds_a_column_through_an_engine_of_its_own "
        "left a committed schema change behind in tickets.added_by_a_test"
    ) in audited.stdout, output_of(audited)
    assert (
        "Isolation audit: tests/test_ddl_leak.py::test_adds_an_index_through_an_engine_of_its_own "
        "left a committed schema change behind in added_by_a_test."
    ) in audited.stdout, output_of(audited)
    assert (
        "Isolation audit: tests/test_ddl_leak.py::test_adds_an_enum_type_through_an_engine_of_its_"
        "own left a committed schema change behind in added_by_a_test 'ok'."
    ) in audited.stdout, output_of(audited)
    # Row counts alone miss them: without the auditor the tests pass.
    assert unaudited.returncode == 0, output_of(unaudited)


@pytest.mark.parametrize("driver", ["psycopg", "aiosqlite"])
def test_the_auditor_names_a_model_table_that_committed_ddl_took_away(
    audited_project: Path, driver: str
) -> None:
    project = audited_project if driver == "psycopg" else new_audited_project(driver)
    (project / "tests" / "test_rename_leak.py").write_text(TABLE_RENAME_LEAK)

    audited = run_suite(project, "-p", "no:randomly", "tests/test_rename_leak.py", CI="true")

    # Named as a schema change of the test that made it, not a database error in every test after;
    # a later leak into another table is still named.
    blamed = [line.partition(" - ")[0] for line in broken_tests(audited, "")]
    assert blamed == [
        "ERROR tests/test_rename_leak.py::test_renames_a_table_through_an_engine_of_its_own",
        "ERROR tests/test_rename_leak.py::test_adds_an_event_through_an_engine_of_its_own",
    ], output_of(audited)
    assert (
        "test_renames_a_table_through_an_engine_of_its_own left a committed schema change behind"
        " in renamed_by_a_test"
    ) in audited.stdout, output_of(audited)
    assert "left committed rows behind in events (0 -> 1 rows)" in audited.stdout


def mutated(
    destination: Path, answers: Answers, path: str, mechanism: str, replacement: str
) -> Path:
    """A project rendered and installed with `mechanism` in `path` replaced."""
    project = render(destination, **answers)
    source = project / path
    assert mechanism in source.read_text()
    source.write_text(source.read_text().replace(mechanism, replacement))
    return install(project)


def broken_tests(result: subprocess.CompletedProcess[str], name: str) -> list[str]:
    """The summary lines of tests in tests/`name`... that failed or errored (in fixtures too:
    tables that already exist, a leak the auditor found...)."""
    return [
        line
        for line in result.stdout.splitlines()
        if line.startswith(("FAILED ", "ERROR ")) and f" tests/{name}" in line
    ]


CONNECTION_LEFT_OPEN = """\
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

LEFT_OPEN: list[AsyncConnection] = []


class TestLeavesAConnectionOpen:
    async def test_reads_without_closing(self, tables_engine: AsyncEngine) -> None:
        LEFT_OPEN.append(connection := await tables_engine.connect())
        await connection.execute(text("SELECT count(*) FROM tickets"))

    async def test_next(self) -> None:
        pass


class TestARealCommitsTestLeavesAConnectionOpen:
    @pytest.mark.real_commits
    async def test_reads_without_closing(self, committing_engine: AsyncEngine) -> None:
        LEFT_OPEN.append(connection := await committing_engine.connect())
        await connection.execute(text("SELECT count(*) FROM tickets"))
"""


# What each driver's class scope names: PostgreSQL cannot drop the schema, SQLite counts the
# class engine's connections (a real_commits test's file is deleted unharmed).
LEFT_OPEN_NAMED = {
    "psycopg": [
        "schema class_1_testleavesaconnectionopen could not be dropped after its tests (",
        "schema test_3_test_reads_without_closing could not be dropped after its tests (",
    ],
    "aiosqlite": ["database class_1_testleavesaconnectionopen had 1 connection(s) still open"],
}


@pytest.mark.parametrize("db_driver", LEFT_OPEN_NAMED)
def test_a_connection_left_open_in_a_class_is_named_at_its_end(
    project_path: Path, db_driver: str
) -> None:
    """PostgreSQL: its transaction holds a lock on the class's tables, and dropping the schema
    would wait out the statement timeout and end in a bare TimeoutError. SQLite: its lock makes
    the class's later writes fail as "busy", and nothing said why."""
    project = install(render(project_path, db_driver=db_driver, test_scope="class"))
    (project / "tests" / "test_left_open.py").write_text(CONNECTION_LEFT_OPEN)

    result = run_suite(project, "-p", "no:randomly", "tests/test_left_open.py")

    assert result.returncode == 1, output_of(result)
    for message in LEFT_OPEN_NAMED[db_driver]:
        assert message in result.stdout, output_of(result)
    assert "close every connection and session they open" in result.stdout, output_of(result)
    assert "TimeoutError" not in result.stdout, output_of(result)
    assert "During handling of the above exception" not in result.stdout, output_of(result)


LOCK_LEFT_HELD = """\
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from ticketing_service.models import Ticket

LEFT_OPEN: list[AsyncConnection] = []


async def test_updates_without_committing(
    session: AsyncSession, tables_engine: AsyncEngine
) -> None:
    session.add(Ticket(price=1))
    await session.commit()
    LEFT_OPEN.append(connection := await tables_engine.connect())
    await connection.execute(text("UPDATE tickets SET price = 2"))


async def test_closes_it(session: AsyncSession) -> None:
    await LEFT_OPEN.pop().close()


async def test_starts_on_empty_tables(session: AsyncSession) -> None:
    assert await session.scalar(text("SELECT count(*) FROM tickets")) == 0
"""


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_a_lock_held_past_a_function_scope_test_is_one_line_at_its_teardown(
    project_path: Path, db_driver: str
) -> None:
    """The reset waits out the statement timeout for the row lock (SQLite: the write lock); what
    the test then shows is a line that says why, not the driver's and SQLAlchemy's tracebacks;
    once the lock is gone, the next test's reset empties the tables again."""
    project = install(render(project_path, db_driver=db_driver, test_scope="function"))
    (project / "tests" / "test_lock_left_held.py").write_text(LOCK_LEFT_HELD)

    result = run_suite(project, "-p", "no:randomly", "tests/test_lock_left_held.py")

    assert result.returncode == 1, output_of(result)
    assert "3 passed, 1 error" in result.stdout, output_of(result)
    assert "emptying the tables failed (" in result.stdout, output_of(result)
    assert "hold a lock? See docs/testing.md" in result.stdout, output_of(result)
    assert "During handling of the above exception" not in result.stdout, output_of(result)
    assert "site-packages" not in result.stdout, output_of(result)


VIEW_MIGRATION = f'''"""a view of the unsold tickets

Revision ID: {NEXT_REVISION}
Revises: {HEAD_REVISION}
"""

from alembic import op

revision = "{NEXT_REVISION}"
down_revision = "{HEAD_REVISION}"


def upgrade() -> None:
    op.execute("CREATE VIEW unsold_tickets AS SELECT id, price FROM tickets WHERE NOT is_sold")


def downgrade() -> None:
    op.execute("DROP VIEW unsold_tickets")
'''
# A schema change a module fixture sends before its module's first test.
MODULE_FIXTURE_DDL = """\
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest_asyncio.fixture(scope="module")
async def audited_tickets(tables_engine: AsyncEngine) -> AsyncIterator[None]:
    async with tables_engine.begin() as connection:
        await connection.execute(text("ALTER TABLE tickets ADD COLUMN audited_by TEXT"))
    yield


async def test_first(audited_tickets: None, tables_engine: AsyncEngine) -> None:
    pass
"""
COLUMNS_AS_BUILT = """\
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine


async def test_the_tickets_columns_are_the_models(tables_engine: AsyncEngine) -> None:
    async with tables_engine.connect() as connection:
        columns = await connection.run_sync(
            lambda sync: [c["name"] for c in inspect(sync).get_columns("tickets")]
        )
    assert "audited_by" not in columns
"""


@pytest.mark.parametrize("db_driver", ["psycopg", "aiosqlite"])
def test_function_scope_rebuilds_a_schema_with_views_and_after_a_wider_fixtures_ddl(
    project_path: Path, db_driver: str
) -> None:
    """A migration's view: the tables it reads cannot be dropped before it (PostgreSQL), and the
    build creates it again. A module fixture's DDL, sent before its first test: undone after it."""
    answers: Answers = {"db_driver": db_driver, "test_scope": "function", "test_schema": "alembic"}
    project = install(render(project_path, **answers))
    versions = project / "migrations" / "versions"
    (versions / f"{NEXT_REVISION}_unsold_tickets.py").write_text(VIEW_MIGRATION)
    (project / "tests" / "test_module_ddl.py").write_text(MODULE_FIXTURE_DDL)
    (project / "tests" / "test_zz_columns.py").write_text(COLUMNS_AS_BUILT)

    in_order = ["tests/test_isolation.py", "tests/test_module_ddl.py", "tests/test_zz_columns.py"]
    result = run_suite(project, "-p", "no:randomly", *in_order)

    assert result.returncode == 0, output_of(result)


# A table whose name PostgreSQL folds unless it is quoted.
QUOTED_TABLE_MODEL = """

class UserProfile(Base):
    __tablename__ = "UserProfile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
"""
EMPTY_WITH_IDS_FROM_1 = """\
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_service.models import UserProfile


@pytest.mark.parametrize("run", ["first", "second"])
async def test_each_test_starts_empty_with_ids_from_1(session: AsyncSession, run: str) -> None:
    assert await session.scalar(select(func.count()).select_from(UserProfile)) == 0
    profile = UserProfile(name=run)
    session.add(profile)
    await session.commit()
    assert profile.id == 1
"""


def test_function_scope_empties_a_table_whose_name_needs_quoting(project_path: Path) -> None:
    project = install(render(project_path, db_driver="psycopg", test_scope="function"))
    with (project / "src" / "ticketing_service" / "models.py").open("a") as models:
        models.write(QUOTED_TABLE_MODEL)
    (project / "tests" / "test_quoted_table.py").write_text(EMPTY_WITH_IDS_FROM_1)

    result = run_suite(project, "-p", "no:randomly", "tests/test_quoted_table.py")

    assert result.returncode == 0, output_of(result)
    assert " 2 passed" in result.stdout, output_of(result)
