"""Each generated project's own suite and linters, run for real.

PostgreSQL variants use TEST_DATABASE_URL when the runner sets it (CI points it at its local
server), else the embedded server; they never fall back to SQLite.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from .answers import (
    ALEMBIC_COMBINATIONS,
    COMBINATIONS,
    NEWER_PYTHON_VARIANTS,
    Answers,
    parametrize_answers,
)
from .rendering import Project, render
from .running import (
    assert_ok,
    clean_env,
    install,
    lint,
    output_of,
    recording_schema_builds,
    run_suite,
    run_suite_on_two_workers,
    schema_builds,
    summary,
)

LINTERS = pytest.mark.parametrize(
    "linter",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy"],
)


# The ALEMBIC_COMBINATIONS run on two workers in test_user_migrations.py, after a migration of
# the user's; the NEWER_PYTHON_VARIANTS in test_python_versions.py, on their Python.
@parametrize_answers([row for row in COMBINATIONS if row not in NEWER_PYTHON_VARIANTS.values()])
def test_generated_suite_passes_in_random_order_on_two_workers(
    installed_project: Project, answers: Answers
) -> None:
    project = installed_project(**answers)

    result = run_suite_on_two_workers(project, str(answers["test_scope"]))

    assert_ok(result)
    print(summary(result))
    if answers["db_driver"] == "aiosqlite":  # its harness has only SQLite, and names nothing
        assert "test database:" not in result.stdout
    else:  # never a fall-back to SQLite
        assert "test database: PostgreSQL" in result.stdout
    assert "2 workers" in result.stdout


# Serially too: once per driver and per scope (CI's 20 minutes hold no more); every variant
# with ALL_SERIAL=1, as `nox -s serial_suites` runs them.
SERIAL_ROWS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "session"},
    {"db_driver": "psycopg", "test_scope": "function"},
    {"db_driver": "aiosqlite", "test_scope": "class"},
]
if os.environ.get("ALL_SERIAL") == "1":
    SERIAL_ROWS = COMBINATIONS + ALEMBIC_COMBINATIONS


@parametrize_answers(SERIAL_ROWS)
def test_generated_suite_passes_in_random_order_serially(
    installed_project: Project, answers: Answers
) -> None:
    project = installed_project(**answers)

    # pytest-randomly shuffles the order; the isolation auditor is on (session scope has one).
    result = run_suite(project, "-p", "randomly", TEST_ISOLATION_AUDIT="on")

    assert_ok(result)
    print(summary(result))


# Where the worker databases hold the tables (not class scope), once per PostgreSQL driver.
PREPARED_DATABASE_ROWS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "function"},
    {"db_driver": "psycopg", "test_scope": "session"},
]


@parametrize_answers(PREPARED_DATABASE_ROWS)
def test_two_workers_start_from_one_prepared_database(
    installed_project: Project, answers: Answers, tmp_path: Path
) -> None:
    project = installed_project(**answers)

    result = run_suite(
        project,
        "-p",
        "schema_builds",
        "-n",
        "2",
        "tests/test_tickets.py",
        **recording_schema_builds(tmp_path),
    )

    assert_ok(result)
    assert schema_builds(tmp_path) == 1, output_of(result)


@parametrize_answers(COMBINATIONS)
@LINTERS
def test_generated_code_passes_its_linters(
    installed_project: Project, answers: Answers, linter: list[str]
) -> None:
    project = installed_project(**answers)

    result = lint(project, *linter)

    assert result.returncode == 0, output_of(result)


# The alembic schema builder's files are the same under every driver and scope: one row lints them.
ALEMBIC_LINT_ROWS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "function", "test_schema": "alembic"},
]


@parametrize_answers(ALEMBIC_LINT_ROWS)
@LINTERS
def test_alembic_harness_passes_its_linters(
    installed_project: Project, answers: Answers, linter: list[str]
) -> None:
    project = installed_project(**answers)

    result = lint(project, *linter)

    assert result.returncode == 0, output_of(result)


def test_the_app_under_test_reads_no_setting_from_the_projects_dotenv(
    installed_project: Project, postgres_url: str
) -> None:
    """A developer's .env configures their own server, not the app the tests call."""
    project = installed_project(project_name="Dotenv Settings")
    (project / ".env").write_text("MAX_REQUEST_BODY_BYTES=10\nDATABASE_STATEMENT_TIMEOUT=0.001\n")

    result = run_suite(project, "tests/test_tickets.py", TEST_DATABASE_URL=postgres_url)

    assert_ok(result)


def test_a_package_that_imports_its_app_keeps_the_tests_off_the_development_database(
    installed_project: Project, postgres_url: str
) -> None:
    """`from .main import app` in the package's __init__.py, a common edit, builds `main.app`
    as soon as anything imports the package: tests/__init__.py must not before it has pointed
    DATABASE_URL away."""
    project = installed_project(project_name="Package Imports App")
    package_init = project / "src" / "package_imports_app" / "__init__.py"
    package_init.write_text(package_init.read_text() + "\nfrom .main import app as app\n")

    result = run_suite(project, "tests/test_client.py", TEST_DATABASE_URL=postgres_url)

    assert_ok(result)


@pytest.mark.parametrize("test_scope", ["function", "class", "session"])
def test_a_test_that_uses_no_database_runs_without_one(
    installed_project: Project, test_scope: str
) -> None:
    """As with pytest-django's `db`: only a test that reaches the database (through
    `database_url`) gets the scope's reset or the auditor (on under CI) and needs a server."""
    project = installed_project(test_scope=test_scope)
    no_database_tests = ["tests/test_database_urls.py", "-k", "unsupported_parameter"]

    result = run_suite(
        project,
        *no_database_tests,
        CI="true",
        TEST_DATABASE_URL="postgresql://nobody@127.0.0.1:1/x",
    )

    assert_ok(result)
    assert re.search(r"\b5 passed, \d+ deselected", summary(result)), output_of(result)


APP_OWN_SESSIONS = """\
from fastapi import FastAPI
from sqlalchemy import text


async def test_reads_through_the_apps_own_sessionmaker(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        assert await session.scalar(text("SELECT 1")) == 1
"""


def test_the_apps_own_connections_are_closed_at_the_end_of_the_run(
    project_path: Path, postgres_url: str
) -> None:
    """Code under test that uses `app.state.sessionmaker` (a background task) leaves a pooled
    connection in the app's engine: psycopg warns of it, unclosed, and the run fails."""
    project = install(render(project_path, db_driver="psycopg", test_scope="function"))
    (project / "tests" / "test_app_own_sessions.py").write_text(APP_OWN_SESSIONS)

    result = run_suite(project, "tests/test_app_own_sessions.py", TEST_DATABASE_URL=postgres_url)

    assert_ok(result)


def test_a_run_waits_for_another_to_finish_building_the_prepared_database(
    installed_project: Project, postgres_url: str
) -> None:
    """With many migrations a build takes longer than a statement's timeout (10 s): a run (or
    xdist worker) that needs the prepared database waits for the one building it."""
    project = installed_project(project_name="Slow Build")
    with psycopg.connect(postgres_url, autocommit=True) as other_run:
        other_run.execute(
            "SELECT pg_advisory_lock(hashtext('test_slow_build: prepared databases'))"
        )
        run = subprocess.Popen(
            ["uv", "run", "--no-sync", "pytest", "-p", "no:randomly", "tests/test_health.py"],
            cwd=project,
            env=clean_env(TEST_DATABASE_URL=postgres_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(12)
    output = run.communicate(timeout=120)[0]

    assert run.returncode == 0, output
