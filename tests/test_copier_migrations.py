"""`_migrations`: updating across a renamed answer keeps what the user answered; across a
removed file users edit, says so."""

from pathlib import Path

import pytest

from .history import (
    TemplateHistory,
    commit_all,
    recorded_answers,
    release,
    render_at,
    snapshot_template,
    update,
)


def test_update_carries_the_python_version_over_to_its_new_name(
    template_history: TemplateHistory, tmp_path: Path
) -> None:
    history = template_history
    project = render_at(history.path, history.before_rename, tmp_path, python_version="3.13")
    assert recorded_answers(project)["python_version"] == "3.13"

    update(project, history.latest)

    answers = recorded_answers(project)
    assert answers.get("min_python_version") == "3.13"
    assert "python_version" not in answers
    assert 'requires-python = ">=3.13"' in (project / "pyproject.toml").read_text()


def test_an_update_that_removes_tests_fixtures_py_names_it_and_how_to_see_the_edits(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """0.2.0 moved the harness into tests/conftest.py: an older project's tests/fixtures.py goes."""
    template = snapshot_template(tmp_path / "template")
    old_file = template / "template" / "tests" / "fixtures.py"
    old_file.write_text('"""Fixtures that import the app."""\n')
    before = release(template, "v0.1.5")
    old_file.unlink()
    after = release(template, "v0.2.0")
    project = render_at(template, before, tmp_path / "project")
    (project / "tests" / "fixtures.py").write_text("MY_FIXTURE = 1\n")
    commit_all(project, "A fixture of mine")
    capfd.readouterr()

    update(project, after)

    printed = capfd.readouterr().out
    assert "This update removes files you may have edited:" in printed
    assert "tests/fixtures.py  (yours: git show HEAD:tests/fixtures.py)" in printed
    assert "tests/harness/session_scope.py" not in printed  # not in this project
    assert not (project / "tests" / "fixtures.py").exists()
