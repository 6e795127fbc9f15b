"""Files every generated project gets for its developers: pre-commit hooks, .env.example."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .answers import QUESTIONS, TOGGLE_ROWS, Answer, parametrize_answers, toggle_rows
from .readers import settings_fields, yaml_file
from .rendering import Project

PACKAGE = "ticketing_service"


def hooks(project: Path) -> dict[str, dict[str, Any]]:
    config = yaml_file(project / ".pre-commit-config.yaml")
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def needs_whitespace_fixes(text: str) -> bool:
    """What end-of-file-fixer or trailing-whitespace would change (they leave empty files be)."""
    lines = text.splitlines()
    return bool(text) and (
        not text.endswith("\n") or text.endswith("\n\n") or any(x != x.rstrip() for x in lines)
    )


def test_pre_commit_config_is_valid(rendered_project: Project) -> None:
    project = rendered_project()

    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_runs_ruff_mypy_and_the_merge_conflict_check(rendered_project: Project) -> None:
    found = hooks(rendered_project())

    assert {"ruff-check", "ruff-format", "mypy", "check-merge-conflict"} <= set(found)


def test_pre_commit_mypy_runs_in_the_project_environment(rendered_project: Project) -> None:
    mypy = hooks(rendered_project())["mypy"]

    assert (mypy["entry"], mypy["language"]) == ("uv run mypy", "system")
    assert mypy["pass_filenames"] is False


@parametrize_answers(toggle_rows())
def test_rendered_files_already_satisfy_the_whitespace_hooks(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    """end-of-file-fixer and trailing-whitespace would change nothing in a fresh project."""
    project = rendered_project(**answers)

    offending = [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file() and needs_whitespace_fixes(path.read_text())
    ]
    assert offending == []


def git_ignores(project: Path, name: str, repository: Path) -> bool:
    """Whether the project's .gitignore ignores `name`, asked in a new repository holding it."""
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    (repository / ".gitignore").write_text((project / ".gitignore").read_text())
    ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=repository, check=False)
    return ignored.returncode == 0


@pytest.mark.parametrize("name", [".env", ".env.local", ".env.production"])
def test_env_files_are_git_ignored(rendered_project: Project, tmp_path: Path, name: str) -> None:
    assert git_ignores(rendered_project(), name, tmp_path), f"{name} is not ignored by .gitignore"


def test_env_example_is_committed(rendered_project: Project, tmp_path: Path) -> None:
    project = rendered_project()

    assert (project / ".env.example").is_file()
    assert not git_ignores(project, ".env.example", tmp_path), ".env.example is ignored"


def test_env_file_is_never_rendered(rendered_project: Project) -> None:
    project = rendered_project()

    assert not (project / ".env").exists()


def test_skip_if_exists_lists_only_files_the_template_renders(rendered_project: Project) -> None:
    rendered: set[str] = set()
    for answers in TOGGLE_ROWS:
        project = rendered_project(**answers)
        rendered |= {str(path.relative_to(project)) for path in project.rglob("*")}

    assert [name for name in QUESTIONS.get("_skip_if_exists", []) if name not in rendered] == []


@pytest.mark.parametrize("db_driver", ["asyncpg", "aiosqlite"])
def test_env_example_documents_every_setting(rendered_project: Project, db_driver: str) -> None:
    project = rendered_project(db_driver=db_driver)
    example = (project / ".env.example").read_text()

    documented = {line.lstrip("# ").partition("=")[0] for line in example.splitlines()}
    fields = settings_fields(project, PACKAGE)
    assert fields
    assert [field for field in fields if field.upper() not in documented] == []
