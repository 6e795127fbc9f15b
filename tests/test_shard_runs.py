"""Three CI shards of a generated project, run for real: together they run its whole collection.

Each shard runs the exact command of the generated GitHub workflow (the GitLab pipeline runs the
same one, tests/test_ci_shards.py), with TEST_DATABASE_URL on the meta-tests' server as the
workflow points it at its service, and GITHUB_RUN_ID, the seed all shards share.
"""

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from .answers import Answers
from .readers import github_workflow
from .rendering import Project, render
from .running import install, output_of
from .shards import ListedRun, estimated_duration, github_shard_commands, listed_run

SHARDED: Answers = {"db_driver": "asyncpg", "test_scope": "session", "ci": "github", "ci_shards": 3}
# Tests .test_durations does not name, with the same names in two modules: their order after
# pytest-randomly's shuffle is all that tells them apart when pytest-split divides them.
ADDED_TESTS = """
import pytest


@pytest.mark.parametrize("copy", range(10))
def test_added(copy: int) -> None:
    assert copy >= 0
"""


def run_id() -> str:
    return str(random.randrange(1, 2**31))


@pytest.fixture(scope="module")
def sharded_project(installed_project: Project) -> Path:
    return installed_project(**SHARDED)


@pytest.fixture(scope="module")
def shard_runs(
    sharded_project: Path, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> list[ListedRun]:
    folder = tmp_path_factory.mktemp("shard-runs")
    commands = github_shard_commands(github_workflow(sharded_project))
    seed = run_id()
    return [
        listed_run(
            sharded_project,
            command,
            folder / f"shard-{group}",
            TEST_DATABASE_URL=postgres_url,
            GITHUB_RUN_ID=seed,
        )
        for group, command in enumerate(commands, start=1)
    ]


@pytest.fixture(scope="module")
def collection(sharded_project: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("collection") / "run"
    collected = listed_run(sharded_project, "uv run pytest --collect-only -q", folder)
    assert collected.result.returncode == 0, output_of(collected.result)
    return collected.selected


def test_each_shard_passes(shard_runs: list[ListedRun]) -> None:
    failed = [output_of(shard.result) for shard in shard_runs if shard.result.returncode != 0]

    assert len(shard_runs) == 3
    assert failed == []


def test_no_test_runs_in_two_shards(shard_runs: list[ListedRun]) -> None:
    counts = Counter(test for shard in shard_runs for test in shard.ran)

    assert [test for test, count in counts.items() if count > 1] == []


def test_the_shards_together_run_the_whole_collection(
    shard_runs: list[ListedRun], collection: list[str]
) -> None:
    ran = {test for shard in shard_runs for test in shard.ran}

    assert len(collection) > 100
    assert sorted(set(collection) - ran) == []
    assert sorted(ran - set(collection)) == []


def test_the_shards_divide_the_durations_the_project_shipped_with(
    shard_runs: list[ListedRun], sharded_project: Path, collection: list[str]
) -> None:
    """pytest-split read `.test_durations`: its estimates add up to the file's total."""
    shipped = json.loads((sharded_project / ".test_durations").read_text())
    estimates = [estimated_duration(shard.result) for shard in shard_runs]

    assert sum(estimates) == pytest.approx(sum(shipped[test] for test in collection), abs=0.02)


def test_tests_missing_from_the_durations_still_run_in_exactly_one_shard(
    project_path: Path,
) -> None:
    """Equal names and equal (average) durations: only the shared seed keeps shards agreeing."""
    project = install(render(project_path / "project", **{**SHARDED, "db_driver": "aiosqlite"}))
    for module in ("test_added_one.py", "test_added_two.py"):
        (project / "tests" / module).write_text(ADDED_TESTS)
    commands = github_shard_commands(github_workflow(project))
    env = {"GITHUB_RUN_ID": run_id(), "PYTEST_ADDOPTS": "--collect-only -q"}
    shards = [
        listed_run(project, command, project_path / f"shard-{group}", **env)
        for group, command in enumerate(commands, start=1)
    ]
    whole = listed_run(project, "uv run pytest --collect-only -q", project_path / "whole")

    selected = sorted(test for shard in shards for test in shard.selected)
    assert selected == sorted(whole.selected), [output_of(shard.result) for shard in shards]
