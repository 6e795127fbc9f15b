"""Render generated projects for the benchmark and install their dependencies."""

import subprocess
from pathlib import Path

from copier import run_copy

from template_facts import ROOT
from template_facts import clean_env as project_env

PACKAGE_NAME = "ticketing_service"  # the default answer; reference strategies import it


def clean_env(**overrides: str) -> dict[str, str]:
    """A generated project's environment without the caller's test database either (unless
    `overrides` name one)."""
    unset: dict[str, str | None] = {"TEST_DATABASE_URL": None, "TEST_DATABASE_PROVIDER": None}
    return project_env(**{**unset, **overrides})


def render(destination: Path, **answers: str) -> Path:
    run_copy(
        str(ROOT),
        destination,
        data={**answers, "package_name": PACKAGE_NAME},
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
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
