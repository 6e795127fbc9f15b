"""pytest-xdist's controller runs no test, so a generated suite's controller imports nothing of
the app: it starts its workers that much sooner (template/tests/conftest.py.jinja). Its header
still says where the database comes from."""

import json
from pathlib import Path

from .answers import Answers, parametrize_answers
from .rendering import Project
from .running import assert_ok, output_of, run_suite, write_plugin

# Loaded with `-p`: what the controller imported by the end of the run.
PROBE = """
import json, os, sys


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        with open(os.environ["CONTROLLER_MODULES_FILE"], "w") as file:
            json.dump(sorted(sys.modules), file)
"""
PACKAGE = "ticketing_service"  # copier.yml's default package_name
# Every driver and every scope once.
ROWS: list[Answers] = [
    {"db_driver": "asyncpg", "test_scope": "function"},
    {"db_driver": "psycopg", "test_scope": "session"},
    {"db_driver": "aiosqlite", "test_scope": "class"},
]


def app_side(modules: list[str], package: str, driver: str) -> list[str]:
    """The modules of the app, its web stack and its database driver among `modules`."""
    top_level = {package, "fastapi", "starlette", "httpx", driver}
    return [
        module
        for module in modules
        if module.split(".")[0] in top_level or module.startswith("sqlalchemy.ext.asyncio")
    ]


@parametrize_answers(ROWS)
def test_the_xdist_controller_imports_nothing_of_the_app(
    installed_project: Project, answers: Answers, tmp_path: Path
) -> None:
    project = installed_project(**answers)
    modules_file = tmp_path / "modules.json"

    result = run_suite(
        project,
        "-n",
        "2",
        "-p",
        "controller_probe",
        "tests/test_health.py",
        CONTROLLER_MODULES_FILE=str(modules_file),
        **write_plugin(tmp_path, "controller_probe", PROBE),
    )

    assert_ok(result)
    imported = json.loads(modules_file.read_text())
    assert app_side(imported, PACKAGE, str(answers["db_driver"])) == [], output_of(result)
    assert "test database: " in result.stdout
    if answers["test_scope"] != "class":
        assert "prepared database: built for this run" in result.stdout
