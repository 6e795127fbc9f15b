"""Every `min_python_version` runs for real: its linters and its suite, on that interpreter.

Each newer version gets one variant, whose suite runs here, in random order on two workers;
test_generated_suites.py runs the other drivers and scopes so on the minimum (3.11). The two
differ: PostgreSQL's schema per class on 3.12, SQLite's transaction hooks on 3.13 (sqlite3
gained a second transaction control, `autocommit`, in 3.12).
"""

from pathlib import Path

import pytest

from .answers import NEWER_PYTHON_VARIANTS
from .pythons import PYTHONS, UV, find_python, python_env
from .rendering import Project, render
from .running import (
    SUITE_ENV,
    assert_ok,
    new_project_folder,
    on_two_workers,
    output_of,
    run,
    summary,
)

LINTERS = [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]]


def test_every_newer_python_choice_is_run() -> None:
    assert sorted(NEWER_PYTHON_VARIANTS) == PYTHONS[1:]


@pytest.fixture(scope="module")
def project_on(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project of a newer Python version, installed on that interpreter (once)."""
    installed: dict[str, Path] = {}

    def get(version: str) -> Path:
        if version not in installed:
            find_python(version, tmp_path_factory.getbasetemp())
            project = render(
                new_project_folder(f"python{version}-"),
                min_python_version=version,
                **NEWER_PYTHON_VARIANTS[version],
            )
            assert_ok(run(project, UV, "sync", "--quiet", env=python_env()))
            installed[version] = project
        return installed[version]

    return get


@pytest.mark.parametrize("version", PYTHONS)
def test_the_project_pins_its_minimum_python(rendered_project: Project, version: str) -> None:
    project = rendered_project(min_python_version=version)

    assert (project / ".python-version").read_text() == f"{version}\n"


@pytest.mark.parametrize("version", NEWER_PYTHON_VARIANTS)
def test_uv_runs_the_project_on_its_minimum_python(project_on: Project, version: str) -> None:
    """Newer interpreters come first on the search path: only the pin makes uv choose this one."""
    project = project_on(version)
    command = ["python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]

    result = run(project, UV, "run", "--no-sync", *command, env=python_env())

    assert_ok(result)
    assert result.stdout.strip() == version


@pytest.mark.parametrize("version", NEWER_PYTHON_VARIANTS)
@pytest.mark.parametrize("linter", LINTERS, ids=["ruff-check", "ruff-format", "mypy"])
def test_generated_code_passes_its_linters_on(
    project_on: Project, version: str, linter: list[str]
) -> None:
    result = run(project_on(version), UV, "run", "--no-sync", *linter, env=python_env())

    assert result.returncode == 0, output_of(result)


@pytest.mark.parametrize("version", NEWER_PYTHON_VARIANTS)
def test_generated_suite_passes_in_random_order_on_two_workers_on(
    project_on: Project, version: str
) -> None:
    arguments = on_two_workers(str(NEWER_PYTHON_VARIANTS[version]["test_scope"]))

    result = run(
        project_on(version),
        UV,
        "run",
        "--no-sync",
        "pytest",
        *arguments,
        env=python_env(**SUITE_ENV),
    )

    assert_ok(result)
    print(summary(result))
    assert "2 workers" in result.stdout


def test_without_docker_the_newest_python_stops_with_one_message(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """docker-py leaves the socket of a connection that failed to the garbage collector; on 3.13
    its ResourceWarning, an error under the project's filterwarnings, added a traceback."""
    version = PYTHONS[-1]
    find_python(version, tmp_path_factory.getbasetemp())
    project = render(new_project_folder("docker-less-"), min_python_version=version)
    assert_ok(run(project, UV, "sync", "--quiet", env=python_env()))
    env = python_env(
        TEST_DATABASE_URL=None,
        TEST_DATABASE_PROVIDER="testcontainers",
        DOCKER_HOST="unix:///nonexistent/docker.sock",
    )

    result = run(project, UV, "run", "--no-sync", "pytest", "tests/test_health.py", env=env)

    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output_of(result)
    assert "Docker is not reachable" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
