"""Render generated projects for the benchmark from a commit of this repository; install them."""

import subprocess
from pathlib import Path

from copier import run_copy

from template_facts import ROOT
from template_facts import clean_env as project_env

PACKAGE_NAME = "ticketing_service"  # the default answer; reference strategies import it
# The last commit before the harness redesign (issue 21): the "old" side of the A/B.
OLD_HARNESS_COMMIT = "9cc8ed852cc8b56a6c0faa0b96f111cf3b0354ff"


def clean_env(**overrides: str) -> dict[str, str]:
    """A generated project's environment without the caller's test database either (unless
    `overrides` name one)."""
    unset: dict[str, str | None] = {"TEST_DATABASE_URL": None, "TEST_DATABASE_PROVIDER": None}
    return project_env(**{**unset, **overrides})


def commit_of(ref: str) -> str:
    """The full id of a commit; rendering from an id (never `HEAD`) keeps copier from adding
    the work tree's uncommitted changes."""
    command = ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"]
    answer = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return answer.stdout.strip()


def render(destination: Path, commit: str, **answers: str) -> Path:
    run_copy(
        str(ROOT),
        destination,
        data={**answers, "package_name": PACKAGE_NAME},
        defaults=True,
        unsafe=True,
        vcs_ref=commit,
        quiet=True,
    )
    return destination


def install(project: Path) -> Path:
    # Compiled now, so that the first measured run does not pay for writing .pyc files.
    command = ["uv", "sync", "--quiet", "--compile-bytecode"]
    subprocess.run(command, cwd=project, env=clean_env(), check=True)
    return project


def run_in(project: Path, *command: str) -> str:
    """Run a command with the project's own Python environment and return its output."""
    result = subprocess.run(
        ["uv", "run", "--no-sync", *command],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()
