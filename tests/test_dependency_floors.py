"""The lowest versions a generated pyproject.toml allows still pass the project's checks."""

import re
import tomllib
from pathlib import Path

from .rendering import render
from .running import assert_ok, install, run


def test_mypy_passes_on_the_lowest_sqlalchemy_the_project_allows(project_path: Path) -> None:
    """A user who holds SQLAlchemy at the floor runs the same `uv run mypy` as CI's lint job
    (session scope: its auditor has the most SQLAlchemy typing)."""
    project = install(render(project_path, db_driver="asyncpg", test_scope="session"))
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    dependencies = pyproject["project"]["dependencies"]
    floors = [re.fullmatch(r"sqlalchemy\[asyncio\]>=(\S+)", d) for d in dependencies]
    [floor] = [match.group(1) for match in floors if match]

    assert_ok(run(project, "uv", "run", "--with", f"sqlalchemy[asyncio]=={floor}", "mypy"))
