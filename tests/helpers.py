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
COMBINATIONS = [
    pytest.param(driver, scope, id=f"{driver}-{scope}") for driver in DRIVERS for scope in SCOPES
]

Answer = str | bool

# The docker and ci prompts against the driver, pairwise: every pair of values of any two of
# (db_driver, docker, ci) appears in some row; the scopes rotate so each driver meets each scope.
TOGGLE_ROWS: list[dict[str, Answer]] = [
    {"db_driver": "asyncpg", "test_scope": "session", "docker": True, "ci": "github"},
    {"db_driver": "asyncpg", "test_scope": "function", "docker": False, "ci": "gitlab"},
    {"db_driver": "asyncpg", "test_scope": "class", "docker": True, "ci": "none"},
    {"db_driver": "psycopg", "test_scope": "class", "docker": False, "ci": "github"},
    {"db_driver": "psycopg", "test_scope": "session", "docker": True, "ci": "gitlab"},
    {"db_driver": "psycopg", "test_scope": "function", "docker": False, "ci": "none"},
    {"db_driver": "aiosqlite", "test_scope": "function", "docker": True, "ci": "github"},
    {"db_driver": "aiosqlite", "test_scope": "session", "docker": False, "ci": "gitlab"},
    {"db_driver": "aiosqlite", "test_scope": "class", "docker": True, "ci": "none"},
]


def answers_id(answers: dict[str, Answer]) -> str:
    """`asyncpg-session-docker-github`, `psycopg-function-nodocker-none`..."""
    docker = "docker" if answers["docker"] else "nodocker"
    return f"{answers['db_driver']}-{answers['test_scope']}-{docker}-{answers['ci']}"


def toggle_rows(**selected: Answer) -> list[Any]:
    """The TOGGLE_ROWS whose answers include `selected`, as pytest params with readable ids."""
    return [
        pytest.param(row, id=answers_id(row))
        for row in TOGGLE_ROWS
        if all(row[key] == value for key, value in selected.items())
    ]


def render(destination: Path, **answers: Answer) -> Path:
    return render_from(ROOT, destination, **answers)


def render_from(template: Path, destination: Path, **answers: Answer) -> Path:
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


# Variables by which nox's (or any outer) environment would capture a generated project's `uv`;
# the outer pytest's PYTEST_* variables (xdist's worker id...) are dropped too.
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PYTHONPATH"}


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a generated project's commands: no outer virtualenv leaks in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in OUTER_ENVIRONMENT and not k.startswith("PYTEST_")
    }
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
