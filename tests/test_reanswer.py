"""Changing an answer later: `copier update --data test_scope=...` switches the strategy."""

import tomllib
from pathlib import Path

import pytest

from .history import TemplateHistory, commit_all, recorded_answers, render_at, update
from .running import STRATEGY_TESTS, assert_ok, install, run, run_suite

SCOPE_CHANGES = [
    pytest.param("function", "session", id="function-to-session"),
    pytest.param("session", "class", id="session-to-class"),
]


@pytest.mark.parametrize(("old_scope", "new_scope"), SCOPE_CHANGES)
def test_a_new_scope_answer_gives_a_passing_suite_on_the_new_strategy(
    template_history: TemplateHistory,
    postgres_url: str,
    project_path: Path,
    old_scope: str,
    new_scope: str,
) -> None:
    history = template_history
    project = render_at(
        history.path, history.latest, project_path, project_name="Box Office", test_scope=old_scope
    )

    update(project, history.latest, test_scope=new_scope)

    answers = recorded_answers(project)
    assert (answers["test_scope"], answers["package_name"]) == (new_scope, "box_office")
    assert sorted(path.name for path in (project / "src").iterdir()) == ["box_office"]
    first_line = (project / "tests" / "conftest.py").read_text().splitlines()[0]
    assert first_line.endswith(f"how its tests are kept apart: {new_scope} scope.")
    assert (project / "tests" / "harness" / "auditor.py").exists() == (new_scope == "session")
    result = run_suite(
        install(project), "-p", "randomly", *STRATEGY_TESTS, TEST_DATABASE_URL=postgres_url
    )
    assert_ok(result)


def test_a_new_driver_answer_keeps_a_dependency_the_user_added_without_a_conflict(
    template_history: TemplateHistory, project_path: Path
) -> None:
    history = template_history
    project = render_at(history.path, history.latest, project_path, db_driver="asyncpg")
    assert_ok(run(project, "uv", "add", "--frozen", "humanize>=4"))  # appends, as any `uv add`
    commit_all(project, "uv add humanize")

    update(project, history.latest, db_driver="psycopg")

    pyproject = (project / "pyproject.toml").read_text()
    assert "<<<<<<<" not in pyproject, pyproject
    dependencies = tomllib.loads(pyproject)["project"]["dependencies"]
    assert "humanize>=4" in dependencies
    assert "psycopg[binary]>=3.3.6" in dependencies
    assert not [name for name in dependencies if name.startswith("asyncpg")], dependencies
