"""The ci_shards prompt: the generated CI splits the suite into N shards (pytest-split).

What the files say; tests/test_shard_runs.py runs the shards for real.
"""

import copy
from pathlib import Path
from typing import Any

import pytest

from .answers import QUESTIONS, Answers, choices
from .readers import (
    GITHUB_WORKFLOW,
    GITLAB_PIPELINE,
    github_workflow,
    gitlab_pipeline,
    schema_errors,
)
from .rendering import Project, render
from .shards import github_shard_commands

SHARDS = 3
# The default minimum Python and the newest one, as the unsharded job tests on.
PYTHONS = [QUESTIONS["min_python_version"]["default"], choices("min_python_version")[-1]]
# The GitHub step's names for the shard and the shuffling seed, and GitLab's.
GITLAB_NAMES = {"${{ matrix.shard }}": '"$SHARD"', "$GITHUB_RUN_ID": "$CI_PIPELINE_ID"}


def answers(ci: str, shards: int = SHARDS) -> Answers:
    return {"db_driver": "asyncpg", "test_scope": "session", "ci": ci, "ci_shards": shards}


def github_test_job(project: Path) -> dict[str, Any]:
    job: dict[str, Any] = github_workflow(project)["jobs"]["test"]
    return job


def gitlab_test_job(project: Path) -> dict[str, Any]:
    job: dict[str, Any] = gitlab_pipeline(project)["test"]
    return job


@pytest.mark.parametrize("value", [0, 21])
def test_a_shard_count_outside_1_to_20_is_refused_by_value(tmp_path: Path, value: int) -> None:
    with pytest.raises(ValueError, match=rf"'ci_shards'.* 1 to 20 \(got {value}\)"):
        render(tmp_path, ci_shards=value)


def test_the_shard_count_is_not_asked_without_ci(tmp_path: Path) -> None:
    project = render(tmp_path, ci="none", ci_shards=SHARDS)

    assert "ci_shards" not in (project / ".copier-answers.yml").read_text()


def test_github_workflow_with_shards_follows_the_workflow_schema(
    rendered_project: Project,
) -> None:
    project = rendered_project(**answers("github"))

    assert schema_errors(project / GITHUB_WORKFLOW, "vendor.github-workflows") == ""


def test_gitlab_pipeline_with_shards_follows_the_gitlab_ci_schema(
    rendered_project: Project,
) -> None:
    project = rendered_project(**answers("gitlab"))

    assert schema_errors(project / GITLAB_PIPELINE, "vendor.gitlab-ci") == ""


def test_github_runs_every_shard_on_every_python(rendered_project: Project) -> None:
    job = github_test_job(rendered_project(**answers("github")))

    assert job["strategy"]["matrix"] == {"python": PYTHONS, "shard": [1, 2, 3]}


def test_gitlab_runs_every_shard_on_every_python(rendered_project: Project) -> None:
    job = gitlab_test_job(rendered_project(**answers("gitlab")))

    assert job["parallel"]["matrix"] == [{"UV_PYTHON": PYTHONS, "SHARD": ["1", "2", "3"]}]


def test_each_github_shard_runs_its_group_by_least_duration(rendered_project: Project) -> None:
    commands = github_shard_commands(github_workflow(rendered_project(**answers("github"))))

    assert commands == [
        f"uv run pytest --splits 3 --group {group} --splitting-algorithm least_duration "
        '--randomly-seed "$GITHUB_RUN_ID"'
        for group in (1, 2, 3)
    ]


def test_gitlab_shards_run_the_github_shards_command(rendered_project: Project) -> None:
    """Running the GitHub shards for real (tests/test_shard_runs.py) covers GitLab's too."""
    (github,) = {
        step["run"]
        for step in github_test_job(rendered_project(**answers("github")))["steps"]
        if "pytest" in step.get("run", "")
    }
    gitlab = gitlab_test_job(rendered_project(**answers("gitlab")))["script"]

    for github_name, gitlab_name in GITLAB_NAMES.items():
        github = github.replace(github_name, gitlab_name)
    assert gitlab == [github]


def without_shards(job: dict[str, Any], ci: str) -> dict[str, Any]:
    """The test job without its shard axis and its pytest command."""
    job = copy.deepcopy(job)
    if ci == "github":
        job["strategy"]["matrix"].pop("shard", None)
        job["steps"] = [step for step in job["steps"] if "pytest" not in step.get("run", "")]
    else:
        job["parallel"]["matrix"][0].pop("SHARD", None)
        job["script"] = [command for command in job["script"] if "pytest" not in command]
    return job


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_shards_change_only_the_matrix_and_the_pytest_command(
    rendered_project: Project, ci: str
) -> None:
    """Each shard keeps everything else of the test job: its PostgreSQL service included."""
    read = github_test_job if ci == "github" else gitlab_test_job
    sharded = read(rendered_project(**answers(ci)))
    whole = read(rendered_project(**answers(ci, shards=1)))

    assert without_shards(sharded, ci) == without_shards(whole, ci)
    assert "services" in sharded


def test_one_github_shard_is_one_plain_pytest_job_per_python(rendered_project: Project) -> None:
    job = github_test_job(rendered_project(**answers("github", shards=1)))

    assert job["strategy"]["matrix"] == {"python": PYTHONS}
    assert github_shard_commands({"jobs": {"test": job}}) == ["uv run pytest"]


def test_one_gitlab_shard_is_one_plain_pytest_job_per_python(rendered_project: Project) -> None:
    job = gitlab_test_job(rendered_project(**answers("gitlab", shards=1)))

    assert job["parallel"]["matrix"] == [{"UV_PYTHON": PYTHONS}]
    assert job["script"] == ["uv run pytest"]
