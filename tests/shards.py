"""A generated project's CI shards: each shard's command, and which tests a run collected or ran.

A small plugin (`-p list_tests`, through PYTEST_ADDOPTS so that the command stays the one CI
runs) writes the id of every test a run selects and of every test it runs, from pytest's own
hooks: nothing depends on parsing its output.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .running import clean_env, run

GITHUB_SHARD = "${{ matrix.shard }}"
ESTIMATE = re.compile(r"\[pytest-split\] Running group \d+/\d+ \(estimated duration: ([\d.]+)s\)")

LIST_TESTS = """
import os
from pathlib import Path

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    selected = "".join(f"{item.nodeid}\\n" for item in session.items)
    Path(os.environ["LIST_TESTS_DIR"], "selected").write_text(selected)


def pytest_runtest_logfinish(nodeid: str) -> None:
    with Path(os.environ["LIST_TESTS_DIR"], "ran").open("a") as ran:
        ran.write(f"{nodeid}\\n")
"""


@dataclass(frozen=True)
class ListedRun:
    result: subprocess.CompletedProcess[str]
    selected: list[str]  # after deselection: a shard's share
    ran: list[str]


def github_shard_commands(workflow: dict[str, Any]) -> list[str]:
    """The test job's pytest step once per shard, with `matrix.shard` filled in as GitHub does."""
    job = workflow["jobs"]["test"]
    (command,) = [step["run"] for step in job["steps"] if "pytest" in step.get("run", "")]
    shards = job["strategy"]["matrix"].get("shard", [1])
    return [command.replace(GITHUB_SHARD, str(shard)) for shard in shards]


def listed_run(project: Path, command: str, folder: Path, **env: str) -> ListedRun:
    """`sh -c command` in the project, with the listing plugin; `folder` must be new."""
    folder.mkdir(parents=True)
    (folder / "list_tests.py").write_text(LIST_TESTS)
    options = " ".join(["-p list_tests", env.pop("PYTEST_ADDOPTS", "")])
    environment = clean_env(
        PYTHONPATH=str(folder), LIST_TESTS_DIR=str(folder), PYTEST_ADDOPTS=options, **env
    )
    result = run(project, "sh", "-c", command, env=environment)
    return ListedRun(result, lines(folder / "selected"), lines(folder / "ran"))


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def estimated_duration(result: subprocess.CompletedProcess[str]) -> float:
    """What pytest-split expects its group to take, by the durations it read."""
    (estimate,) = ESTIMATE.findall(result.stdout)
    return float(estimate)
