"""The ci prompt: a GitHub Actions or GitLab CI pipeline that lints, type checks and tests."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .answers import QUESTIONS, Answer, choices, parametrize_answers, toggle_rows
from .readers import (
    GITHUB_WORKFLOW,
    GITLAB_PIPELINE,
    github_commands,
    github_workflow,
    gitlab_pipeline,
    schema_errors,
)
from .rendering import Project, render
from .running import assert_ok, clean_env, run, seeded_mypy_cache

PIPELINES = {"github": [GITHUB_WORKFLOW], "gitlab": [GITLAB_PIPELINE], "none": []}
REQUIRED_COMMANDS = [
    "uv sync --locked",
    "uv run ruff check .",
    "uv run ruff format --check .",
    "uv run mypy",
    "uv run pytest",
]
GITHUB = toggle_rows(ci="github")
GITLAB = toggle_rows(ci="gitlab")
POSTGRES = {"asyncpg", "psycopg"}
MIN_PYTHON = QUESTIONS["min_python_version"]["default"]
# The generated CI also tests on the newest Python a project may choose.
NEWEST_PYTHON = choices("min_python_version")[-1]


def gitlab_python_matrix(job: dict[str, Any]) -> list[str]:
    (entry,) = job["parallel"]["matrix"]
    versions: list[str] = entry["UV_PYTHON"]
    return versions


def gitlab_jobs(pipeline: dict[str, Any]) -> dict[str, Any]:
    return {
        name: job for name, job in pipeline.items() if isinstance(job, dict) and "script" in job
    }


def gitlab_commands(pipeline: dict[str, Any]) -> list[str]:
    before = pipeline["default"]["before_script"]
    return [command for job in gitlab_jobs(pipeline).values() for command in before + job["script"]]


@parametrize_answers(toggle_rows())
def test_only_the_chosen_pipeline_is_rendered(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    rendered = [path for path in (GITHUB_WORKFLOW, GITLAB_PIPELINE) if (project / path).exists()]
    assert rendered == PIPELINES[str(answers["ci"])]
    assert (project / ".github").exists() == (answers["ci"] == "github")


def test_an_unknown_ci_answer_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'jenkins' is not in"):
        render(tmp_path, ci="jenkins")


@parametrize_answers(GITHUB)
def test_github_workflow_follows_the_workflow_schema(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    assert schema_errors(project / GITHUB_WORKFLOW, "vendor.github-workflows") == ""


@parametrize_answers(GITHUB)
def test_github_workflow_lints_type_checks_and_tests(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    commands = github_commands(github_workflow(rendered_project(**answers)))

    assert [command for command in REQUIRED_COMMANDS if command not in commands] == []


def setup_uv(job: dict[str, Any]) -> dict[str, Any]:
    steps: list[dict[str, Any]] = job["steps"]
    (step,) = [s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv@")]
    return step


@parametrize_answers(GITHUB)
def test_github_jobs_end_in_time_keep_no_token_and_give_way_to_newer_pushes(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    workflow = github_workflow(rendered_project(**answers))

    assert workflow["concurrency"]["cancel-in-progress"] is True
    for job in workflow["jobs"].values():
        assert 0 < job["timeout-minutes"] <= 30
        (checkout,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout["with"]["persist-credentials"] is False


@parametrize_answers(GITHUB)
def test_github_jobs_set_up_uv_with_its_cache(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    workflow = github_workflow(rendered_project(**answers))

    for job in workflow["jobs"].values():
        assert setup_uv(job)["with"]["enable-cache"] is True
    assert setup_uv(workflow["jobs"]["lint"])["with"]["python-version"] == MIN_PYTHON


@parametrize_answers(GITHUB)
def test_github_tests_run_on_the_minimum_and_the_newest_python(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    job = github_workflow(rendered_project(**answers))["jobs"]["test"]

    assert job["strategy"]["matrix"]["python"] == [MIN_PYTHON, NEWEST_PYTHON]
    assert setup_uv(job)["with"]["python-version"] == "${{ matrix.python }}"


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_a_project_on_the_newest_python_tests_on_it_once(
    rendered_project: Project, ci: str
) -> None:
    project = rendered_project(ci=ci, min_python_version=NEWEST_PYTHON)

    if ci == "github":
        versions = github_workflow(project)["jobs"]["test"]["strategy"]["matrix"]["python"]
    else:
        versions = gitlab_python_matrix(gitlab_pipeline(project)["test"])
    assert versions == [NEWEST_PYTHON]


@parametrize_answers([row for row in GITHUB if row["db_driver"] in POSTGRES])
def test_github_tests_run_on_a_healthy_postgres_service(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    job = github_workflow(rendered_project(**answers))["jobs"]["test"]

    postgres = job["services"]["postgres"]
    assert "--health-cmd" in postgres["options"]
    assert "pg_isready" in postgres["options"]
    url = urlsplit(job["env"]["TEST_DATABASE_URL"])
    assert url.scheme == "postgresql"
    assert f"{url.port}:5432" in postgres["ports"]
    assert url.password == postgres["env"]["POSTGRES_PASSWORD"]


@parametrize_answers(toggle_rows(ci="github", db_driver="aiosqlite"))
def test_github_sqlite_tests_need_no_database_service(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    job = github_workflow(rendered_project(**answers))["jobs"]["test"]

    assert "services" not in job
    assert "TEST_DATABASE_URL" not in job.get("env", {})


@parametrize_answers(GITLAB)
def test_gitlab_pipeline_follows_the_gitlab_ci_schema(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    assert schema_errors(project / GITLAB_PIPELINE, "vendor.gitlab-ci") == ""


@parametrize_answers(GITLAB)
def test_gitlab_pipeline_lints_type_checks_and_tests_with_a_uv_cache(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    pipeline = gitlab_pipeline(rendered_project(**answers))

    commands = gitlab_commands(pipeline)
    assert [command for command in REQUIRED_COMMANDS if command not in commands] == []
    cache = pipeline["default"]["cache"]
    assert cache["key"]["files"] == ["uv.lock"]
    assert cache["paths"] == [pipeline["variables"]["UV_CACHE_DIR"]]


@parametrize_answers(GITLAB)
def test_gitlab_tests_run_on_the_minimum_and_the_newest_python(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    pipeline = gitlab_pipeline(rendered_project(**answers))

    assert pipeline["default"]["image"] == f"ghcr.io/astral-sh/uv:python{MIN_PYTHON}-bookworm-slim"
    test = pipeline["test"]
    assert gitlab_python_matrix(test) == [MIN_PYTHON, NEWEST_PYTHON]
    assert test["image"] == "ghcr.io/astral-sh/uv:python${UV_PYTHON}-bookworm-slim"


@parametrize_answers([row for row in GITLAB if row["db_driver"] in POSTGRES])
def test_gitlab_tests_run_on_a_postgres_service(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    job = gitlab_pipeline(rendered_project(**answers))["test"]

    (service,) = job["services"]
    assert service["name"].startswith("postgres:")
    url = urlsplit(job["variables"]["TEST_DATABASE_URL"])
    assert (url.hostname, url.port) == (service["alias"], 5432)
    assert url.password == job["variables"]["POSTGRES_PASSWORD"]


def test_github_workflow_commands_pass_in_the_generated_project(
    installed_project: Project, postgres_url: str
) -> None:
    """Every `run:` step, in order, on this machine (TEST_DATABASE_URL: the meta-tests' server).

    The GitLab pipeline runs the same commands (see the tests above); running them once is enough.
    """
    project = installed_project(db_driver="asyncpg", test_scope="session")
    env = clean_env(TEST_DATABASE_URL=postgres_url)
    with seeded_mypy_cache(project):
        for command in github_commands(github_workflow(project)):
            assert_ok(run(project, "sh", "-c", command, env=env))
