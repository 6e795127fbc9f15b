"""Render generated projects for the benchmark and install their dependencies."""

import os
import subprocess
from pathlib import Path

from copier import run_copy

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_NAME = "ticketing_service"  # the default answer; reference strategies import it

# Variables by which nox's (or any outer) environment would capture a generated project's `uv`.
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PYTHONPATH"}
DATABASE_VARIABLES = {"TEST_DATABASE_URL", "TEST_DATABASE_PROVIDER"}


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment for a generated project's commands: no outer virtualenv or database."""
    hidden = OUTER_ENVIRONMENT | DATABASE_VARIABLES
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env.update(overrides)
    return env


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
