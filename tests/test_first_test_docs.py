"""docs/testing.md's "Your first test" works as written in each scope: lint-clean, and it passes."""

from pathlib import Path

import pytest

from template_facts import SCOPES

from .rendering import render
from .running import assert_ok, install, run, run_suite, seeded_mypy_cache


@pytest.mark.parametrize("test_scope", SCOPES)
def test_the_first_test_example_passes(project_path: Path, test_scope: str) -> None:
    project = install(render(project_path, test_scope=test_scope))
    section = (project / "docs" / "testing.md").read_text().split("\n## Your first test\n")[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    (project / "tests" / "test_yours.py").write_text(example)

    check_the_example(project)


def check_the_example(project: Path) -> None:
    """Lint-clean as written, and its two tests pass."""
    for linter in (["ruff", "check"], ["ruff", "format", "--check"]):
        assert_ok(run(project, "uv", "run", "--no-sync", *linter, "tests/test_yours.py"))
    with seeded_mypy_cache(project):
        assert_ok(run(project, "uv", "run", "--no-sync", "mypy", "tests/test_yours.py"))
    suite = run_suite(project, "tests/test_yours.py", "-p", "randomly")
    assert_ok(suite)
    assert " 2 passed" in suite.stdout, suite.stdout
