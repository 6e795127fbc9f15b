"""How a generated suite loads its fixtures (template/tests/harness/fixture_loading.py): in the
processes that run tests, after the scope's plugin, and with an error in the app shown as the
app's own, with or without pytest-xdist."""

from pathlib import Path

import pytest

from .editing import restored
from .rendering import Project, render
from .running import assert_ok, install, new_project_folder, output_of, run_suite

ANSWERS = {"db_driver": "asyncpg", "test_scope": "function"}
MODELS = "src/ticketing_service/models.py"
OVERRIDE = """

OVERRIDE_USED: list[str] = []


@pytest.fixture
def request_session(request_session: RequestSession) -> RequestSession:
    OVERRIDE_USED.append("request_session")
    return request_session
"""
OVERRIDE_TEST = """
from tests.fixtures import OVERRIDE_USED
from tests.harness.request_sessions import RequestSession


async def test_the_override_is_used(request_session: RequestSession) -> None:
    assert OVERRIDE_USED == ["request_session"]
"""


@pytest.fixture(scope="module")
def own_project() -> Path:
    """A project these tests edit, each edit undone at the end of its test."""
    return install(render(new_project_folder("loading-"), **ANSWERS))


def test_dist_without_workers_runs_the_tests_in_this_process(installed_project: Project) -> None:
    """`--dist loadscope` (the class scope's README adds it to `-n 2`) alone starts no worker."""
    project = installed_project(**ANSWERS)

    result = run_suite(project, "--dist", "loadscope", "tests/test_health.py")

    assert_ok(result)


# Without workers pytest stops at the collection error (2); pytest-xdist reports it as failed (1).
@pytest.mark.parametrize(("workers", "exit_code"), [("0", 2), ("2", 1)], ids=["-n0", "-n2"])
def test_an_error_importing_the_app_fails_the_collection_with_its_traceback(
    own_project: Path, workers: str, exit_code: int
) -> None:
    models = own_project / MODELS
    with restored(models):
        broken = models.read_text().replace("\nfrom ", "\nimport a_misspelt_module\nfrom ", 1)
        models.write_text(broken)
        result = run_suite(own_project, "-n", workers, "tests/test_health.py")

    assert result.returncode == exit_code, output_of(result)
    assert "ERROR collecting test session" in result.stdout, output_of(result)
    assert "could not be imported:" in result.stdout
    assert f'{MODELS}", line ' in result.stdout
    assert "No module named 'a_misspelt_module'" in result.stdout
    # Only the project's own frames: no pytest, importlib or xdist internals, no crashed worker.
    assert "site-packages" not in result.stdout + result.stderr, output_of(result)
    assert "node down" not in result.stdout + result.stderr, output_of(result)


def test_a_fixture_in_fixtures_py_overrides_the_harness(own_project: Path) -> None:
    fixtures = own_project / "tests" / "fixtures.py"
    test_file = own_project / "tests" / "test_override.py"
    with restored(fixtures, test_file):
        fixtures.write_text(fixtures.read_text() + OVERRIDE)
        test_file.write_text(OVERRIDE_TEST)
        result = run_suite(own_project, "tests/test_override.py")

    assert_ok(result)
