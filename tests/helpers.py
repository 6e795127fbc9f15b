"""Tiny helpers for the meta-tests: read copier.yml, render the template, run commands."""

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS: dict[str, Any] = yaml.safe_load((ROOT / "copier.yml").read_text())


def choices(question: str) -> list[str]:
    """The values a question accepts, straight from copier.yml."""
    options = QUESTIONS[question]["choices"]
    return list(options.values()) if isinstance(options, dict) else list(options)


DRIVERS = choices("db_driver")
SCOPES = choices("test_scope")
POSTGRES_DRIVERS = [driver for driver in DRIVERS if driver != "aiosqlite"]
SCHEMA_BUILDERS = choices("test_schema")
COMBINATIONS = [
    pytest.param(driver, scope, id=f"{driver}-{scope}") for driver in DRIVERS for scope in SCOPES
]
# The test harness running the migrations: every scope and every driver once (pairwise);
# COMBINATIONS above covers the default, create_all.
ALEMBIC_COMBINATIONS = [
    pytest.param(driver, scope, id=f"{driver}-{scope}-alembic")
    for driver, scope in zip(DRIVERS, SCOPES, strict=True)
]


def render(destination: Path, **answers: str) -> Path:
    return render_from(ROOT, destination, **answers)


def render_from(template: Path, destination: Path, **answers: str) -> Path:
    run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


# Variables by which nox's (or any outer) environment would capture a generated project's `uv`.
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PYTHONPATH"}


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a generated project's commands: no outer virtualenv leaks in."""
    env = {k: v for k, v in os.environ.items() if k not in OUTER_ENVIRONMENT}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(
    project: Path, *command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=project,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(result.args)}\n{result.stdout}\n{result.stderr}"


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, output_of(result)


def install(project: Path) -> Path:
    assert_ok(run(project, "uv", "sync", "--quiet"))
    return project


def run_suite(project: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    return run(project, "uv", "run", "--no-sync", "pytest", *args, env=clean_env(**env))


def summary(result: subprocess.CompletedProcess[str]) -> str:
    """The generated suite's header line about its database, and its closing line."""
    lines = result.stdout.splitlines()
    kept = [line for line in lines if line.startswith("test database:")]
    return "\n".join(kept + lines[-1:])
