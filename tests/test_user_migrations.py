"""The user's own migration: change a model, autogenerate a revision, and keep every check green.

As a user does it: a committed project, a database at head (PostgreSQL: one the user migrated;
SQLite: the development database the service builds on its first start), two new columns on
`tickets` (one nullable, one with a server default): a suite whose migrations build its tables
stops with one message until `alembic revision --autogenerate` writes the revision. Then the
revision passes ruff as alembic wrote it (its post-write hooks run the project's ruff),
`alembic check` finds nothing left to migrate, and the generated suite passes on two workers in
random order, its harness now running the new revision (test_schema=alembic) under every scope.
Then a new model, a table with a foreign key to `events`, the same way (PostgreSQL, session
scope, the auditor on), and a route that lists an event's reviews: tests/test_migrations.py
expects its table too, tests/test_openapi.py its route, and tests of the user's use both.

Lean on purpose: the scopes whose harness migrates per test (function) and per schema (class)
on PostgreSQL, the session scope on SQLite (batch migrations), and create_all once. The alembic
rows are answers.ALEMBIC_COMBINATIONS: their runs on two workers are these; `nox -s serial_suites`
runs them serially.
"""

import sqlite3
import subprocess
from pathlib import Path

from .answers import Answer, Answers, parametrize_answers
from .history import commit_all, git
from .rendering import render
from .running import (
    assert_ok,
    clean_env,
    free_port,
    install,
    output_of,
    run,
    run_suite,
    run_suite_on_two_workers,
    wait_until_serving,
)

POSTGRES_JOURNEYS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "function", "test_schema": "alembic"},
    {"db_driver": "psycopg", "test_scope": "class", "test_schema": "alembic"},
    {"db_driver": "psycopg", "test_scope": "session", "test_schema": "create_all"},
]
TABLES_FROM = {"alembic": "alembic upgrade head", "create_all": "metadata.create_all"}
# The one message of a suite whose migrations build its tables, before the user's migration.
UNMIGRATED = "New upgrade operations detected: [('add_column', None, 'tickets'"
NEW_COLUMNS = """\
    note: Mapped[str | None] = mapped_column(String(255), default=None)
    currency: Mapped[str] = mapped_column(String(3), server_default="EUR")
"""
NEW_MODEL = """

from datetime import timedelta
from sqlalchemy import Interval


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    stars: Mapped[int]
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    time_taken: Mapped[timedelta | None] = mapped_column(Interval(), default=None)
"""
REVIEWS_ROUTE = """

@router.get("/{event_id:int}/reviews", responses=NOT_FOUND_RESPONSE)
async def list_event_reviews(event_id: EventIdPath, session: SessionDep) -> list[int]:
    return list(await session.scalars(select(Review.stars).where(Review.event_id == event_id)))
"""
REVIEWS_ROUTE_IMPORTS = "from sqlalchemy import select\n\nfrom ..models import Review\n"
VENUE_ON_EVENTS = """\
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), default=None)
"""
VENUE_MODEL = """

class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
"""
# Twice: whichever copy runs second finds only its own review.
REVIEWS_TEST = """\
import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_service.models import Review

from .factories import event_row


@pytest.mark.parametrize("copy", ["first", "second"])
async def test_an_events_review(client: AsyncClient, session: AsyncSession, copy: str) -> None:
    event = event_row()
    session.add(event)
    await session.flush()
    session.add(Review(event_id=event.id, stars=5))
    await session.commit()

    assert (await session.scalars(select(Review.stars))).all() == [5]
    response = await client.get(f"/events/{event.id}/reviews")
    assert (response.status_code, response.json()) == (200, [5])
"""


def committed_project(destination: Path, **answers: Answer) -> Path:
    project = render(destination, **answers)
    git(project, "init", "--quiet")
    commit_all(project, "Generate from the template")
    return install(project)


def alembic(project: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(project, "uv", "run", "--no-sync", "alembic", *args, env=env)


def start_once(project: Path) -> None:
    """Start the service on its SQLite default, as `fastapi run` on a fresh checkout does."""
    port = free_port()
    command = ["uv", "run", "--no-sync", "fastapi", "run", "--port", str(port)]
    env = clean_env(DATABASE_URL=None)
    with subprocess.Popen(command, cwd=project, env=env, text=True) as server:
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/docs", server)
        finally:
            server.terminate()


def models_of(project: Path) -> Path:
    return project / "src" / "ticketing_service" / "models.py"


def add_columns_to_tickets(project: Path) -> None:
    models = models_of(project)
    text = models.read_text()
    anchor = "    event_id: Mapped[int | None]"
    assert anchor in text
    models.write_text(text.replace(anchor, NEW_COLUMNS + anchor))


def autogenerate(project: Path, message: str, env: dict[str, str]) -> str:
    """`alembic revision --autogenerate -m MESSAGE`: the new revision, ruff-clean as written."""
    assert_ok(alembic(project, "revision", "--autogenerate", "-m", message, env=env))
    (revision,) = (project / "migrations" / "versions").glob(f"*_{message.replace(' ', '_')}.py")
    for linter in (["ruff", "check"], ["ruff", "format", "--check"]):
        assert_ok(run(project, "uv", "run", "--no-sync", *linter, str(revision)))
    return revision.read_text()


def migrate_a_new_column(project: Path, answers: Answers, env: dict[str, str]) -> None:
    """From a database at head: change the model, autogenerate, check, upgrade, run the suite."""
    assert_ok(alembic(project, "check", env=env))
    add_columns_to_tickets(project)
    if answers["test_schema"] == "alembic" and answers["test_scope"] != "class":
        unmigrated = run(project, "uv", "run", "--no-sync", "pytest", env=env)
        assert UNMIGRATED in unmigrated.stdout, output_of(unmigrated)
        # The run stops at once: no test after the first one errors with it.
        broken = [line for line in unmigrated.stdout.splitlines() if line.startswith("ERROR ")]
        assert len(broken) <= 1, output_of(unmigrated)
    written = autogenerate(project, "ticket notes", env)
    assert written.count("add_column(") == 2, written
    if answers["db_driver"] == "aiosqlite":  # the revision's downgrade() copies the table
        keep_autoincrement(project, written, "tickets", "ticket_notes")
    assert_ok(alembic(project, "upgrade", "head", env=env))
    assert_ok(alembic(project, "check", env=env))
    suite = run_suite_on_two_workers(project, str(answers["test_scope"]))
    assert_ok(suite)
    assert "2 workers" in suite.stdout, output_of(suite)
    schema_builder = (project / "tests" / "harness" / "schema.py").read_text().splitlines()[0]
    assert TABLES_FROM[str(answers["test_schema"])] in schema_builder


def keep_autoincrement(project: Path, written: str, table: str, revision: str) -> None:
    """SQLite: a batch block of the new revision copies `table`, which loses AUTOINCREMENT; the
    suite names the table until the block keeps it, as the README says."""
    block = f'with op.batch_alter_table("{table}", schema=None) as batch_op:'
    assert block in written, written
    lost = run_suite(project, "tests/test_migrations.py", DATABASE_URL=None)
    assert lost.returncode == 1, output_of(lost)
    assert f"{{'{table}'}} == set()" in lost.stdout, output_of(lost)
    kept = block.replace("schema=None", 'schema=None, table_kwargs={"sqlite_autoincrement": True}')
    (path,) = (project / "migrations" / "versions").glob(f"*_{revision}.py")
    path.write_text(written.replace(block, kept))


@parametrize_answers(POSTGRES_JOURNEYS)
def test_a_new_column_on_postgresql(
    project_path: Path, empty_database_url: str, answers: Answers
) -> None:
    project = committed_project(project_path, **answers)
    env = clean_env(DATABASE_URL=empty_database_url)
    assert_ok(alembic(project, "upgrade", "head", env=env))

    migrate_a_new_column(project, answers, env)


def test_a_new_model_with_a_foreign_key_on_postgresql(
    project_path: Path, empty_database_url: str
) -> None:
    answers: Answers = {"db_driver": "asyncpg", "test_scope": "session", "test_schema": "alembic"}
    project = committed_project(project_path, **answers)
    env = clean_env(DATABASE_URL=empty_database_url)
    assert_ok(alembic(project, "upgrade", "head", env=env))

    models = models_of(project)
    models.write_text(models.read_text() + NEW_MODEL)
    written = autogenerate(project, "event reviews", env)
    assert written.count("create_table(") == 1, written
    assert "fk_reviews_event_id_events" in written, written
    # The models' own column type, as what it stores: a revision does not import the models.
    assert 'sa.Column("written_at", sa.DateTime(timezone=True)' in written, written
    assert 'sa.Column("time_taken", sa.Interval()' in written, written  # SQLAlchemy's own
    assert_ok(alembic(project, "upgrade", "head", env=env))
    assert_ok(alembic(project, "check", env=env))
    add_the_reviews_route(project)
    (project / "tests" / "test_reviews.py").write_text(REVIEWS_TEST)

    suite = run_suite_on_two_workers(project, "session", TEST_ISOLATION_AUDIT="on")
    assert_ok(suite)
    assert "2 workers" in suite.stdout, output_of(suite)


def add_the_reviews_route(project: Path) -> None:
    """A route of the user's own, as generated tests/test_openapi.py must accept."""
    routes = project / "src" / "ticketing_service" / "routes" / "events.py"
    text = routes.read_text()
    anchor = "from .. import event_service"
    assert anchor in text
    routes.write_text(text.replace(anchor, REVIEWS_ROUTE_IMPORTS + anchor) + REVIEWS_ROUTE)


def test_a_new_column_on_the_sqlite_development_database(project_path: Path) -> None:
    """No `alembic upgrade` by hand: the service's first start builds the database at head."""
    answers: Answers = {"db_driver": "aiosqlite", "test_scope": "session", "test_schema": "alembic"}
    project = committed_project(project_path, **answers)
    start_once(project)
    assert (project / "ticketing_service.db").is_file()

    migrate_a_new_column(project, answers, clean_env(DATABASE_URL=None))


def test_a_foreign_key_added_on_sqlite_keeps_ids_unused(project_path: Path) -> None:
    """SQLite's batch mode rebuilds `events` for a foreign key, and the copy loses AUTOINCREMENT
    unless the block says so: the suite names the table until the revision does, as the README
    tells."""
    project = committed_project(
        project_path, db_driver="aiosqlite", test_scope="function", test_schema="alembic"
    )
    env = clean_env(DATABASE_URL=None)
    assert_ok(alembic(project, "upgrade", "head", env=env))
    models = models_of(project)
    anchor = "    capacity: Mapped[int]\n"
    assert anchor in models.read_text()
    models.write_text(models.read_text().replace(anchor, anchor + VENUE_ON_EVENTS) + VENUE_MODEL)
    written = autogenerate(project, "event venues", env)

    keep_autoincrement(project, written, "events", "event_venues")
    assert_ok(run_suite(project, "-p", "randomly", DATABASE_URL=None))


def test_a_development_database_from_before_the_migrations_is_upgraded(project_path: Path) -> None:
    """Earlier versions built the SQLite default with create_all: no `alembic_version`."""
    project = committed_project(project_path, db_driver="aiosqlite")
    env = clean_env(DATABASE_URL=None)
    assert_ok(alembic(project, "upgrade", "0001", env=env))
    database = project / "ticketing_service.db"
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TABLE alembic_version")
        connection.execute(
            "INSERT INTO events (name, venue, starts_at, capacity)"
            " VALUES ('Kept', 'Hall', '2030-01-01 20:00:00', 10)"
        )

    start_once(project)

    assert_ok(alembic(project, "check", env=env))
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT name FROM events").fetchall() == [("Kept",)]
