"""`copier update` on a generated project: template changes arrive, the user's edits stay."""

import sys
from pathlib import Path

from .answers import parametrize_answers
from .history import (
    TEMPLATE_CHANGE,
    TemplateHistory,
    commit_all,
    recorded_answers,
    render_at,
    update,
)
from .running import assert_ok, install, run, run_suite

USER_TEST = """

async def test_docs_are_served(client: AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
"""
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")


def project_files(project: Path) -> dict[str, str]:
    """Every file but git's, by path; the answers file without the varying `_commit` line."""
    files = {
        str(path.relative_to(project)): path.read_text()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }
    lines = files[".copier-answers.yml"].splitlines(keepends=True)
    files[".copier-answers.yml"] = "".join(x for x in lines if not x.startswith("_commit:"))
    return files


def update_leftovers(project: Path) -> list[str]:
    """`.rej` files and files with conflict markers."""
    return [
        name
        for name, text in project_files(project).items()
        if name.endswith(".rej")
        or any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines())
    ]


def test_update_keeps_the_users_edits(
    template_history: TemplateHistory, postgres_url: str, project_path: Path
) -> None:
    history = template_history
    project = render_at(history.path, history.before_rename, project_path, test_scope="session")
    with (project / "tests" / "test_health.py").open("a") as test_module:
        test_module.write(USER_TEST)
    commit_all(project, "Add a test of my own")

    update(project, history.latest)

    assert TEMPLATE_CHANGE in (project / ".gitignore").read_text()
    package = project / "src" / "ticketing_service"
    assert not (package / "tickets.py").exists()
    assert (package / "ticket_service.py").is_file()
    assert USER_TEST in (project / "tests" / "test_health.py").read_text()
    assert update_leftovers(project) == []
    result = run_suite(install(project), "-p", "randomly", "-v", TEST_DATABASE_URL=postgres_url)
    assert_ok(result)
    assert "test_docs_are_served PASSED" in result.stdout


@parametrize_answers(
    [
        {"db_driver": "asyncpg", "test_scope": "function"},
        {"db_driver": "psycopg", "test_scope": "class"},
        {"db_driver": "aiosqlite", "test_scope": "session"},
    ],
)
def test_updated_project_equals_a_fresh_render(
    template_history: TemplateHistory, tmp_path: Path, answers: dict[str, str]
) -> None:
    history = template_history
    updated = render_at(history.path, history.before_rename, tmp_path / "updated", **answers)
    update(updated, history.latest)

    fresh = render_at(history.path, history.latest, tmp_path / "fresh", **answers)

    updated_files, fresh_files = project_files(updated), project_files(fresh)
    assert sorted(updated_files) == sorted(fresh_files)
    assert [name for name in fresh_files if updated_files[name] != fresh_files[name]] == []


def test_check_update_sees_the_newer_version(
    template_history: TemplateHistory, tmp_path: Path
) -> None:
    history = template_history
    project = render_at(history.path, history.before_rename, tmp_path)
    assert recorded_answers(project)["_commit"] == history.before_rename

    result = run(project, sys.executable, "-m", "copier", "check-update", "--quiet")

    assert result.returncode == 2, "exit status 2 means: a newer version exists"
