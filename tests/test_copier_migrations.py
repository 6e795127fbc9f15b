"""`_migrations`: updating across a renamed answer keeps what the user answered."""

from pathlib import Path

from .history import TemplateHistory, recorded_answers, render_at, update


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
