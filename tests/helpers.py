"""Tiny helpers for the meta-tests: read copier.yml, render the template, run commands."""

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy, run_update

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
    return copy_template(ROOT, "HEAD", destination, **answers)


def copy_template(template: Path, ref: str, destination: Path, **answers: Answer) -> Path:
    """`copier copy --trust --defaults --vcs-ref=REF [--data ...]`, through copier's API."""
    run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=ref,
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


# Template versions for the update tests: clean, committed, tagged copies, never the network.

GIT_IDENTITY = ("-c", "user.name=Meta Tests", "-c", "user.email=meta-tests@example.invalid")
GIT_NO_SIGNING = ("-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *GIT_IDENTITY, *GIT_NO_SIGNING, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert_ok(result)
    return result.stdout


def snapshot_template(destination: Path) -> Path:
    """The template as it is on disk (uncommitted changes included), in a fresh repository."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    git(destination, "init", "--quiet")
    return destination


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)


def release(template: Path, tag: str) -> str:
    """Commit the template as it is and tag it with a PEP 440 version."""
    commit_all(template, f"Release {tag}")
    git(template, "tag", tag)
    return tag


def render_at(template: Path, ref: str, destination: Path, **answers: str) -> Path:
    """Render `template` at `ref` into a new git repository, committed as a user would."""
    copy_template(template, ref, destination, **answers)
    git(destination, "init", "--quiet")
    commit_all(destination, "Generate from the template")
    return destination


def update(project: Path, ref: str, **answers: str) -> Path:
    """`copier update --trust --defaults [--data ...]` to `ref`, as the user runs it."""
    run_update(
        project,
        data=answers,
        defaults=True,
        overwrite=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
    )
    return project


def recorded_answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def undo_answer_rename(template: Path) -> dict[Path, str]:
    """Turn a template snapshot back into its state before `python_version` was renamed.

    Returns the files' current texts, to restore the snapshot afterwards.
    """
    originals: dict[Path, str] = {}
    for path in [template / "copier.yml", *(template / "template").rglob("*.jinja")]:
        text = path.read_text()
        if "min_python_version" in text:
            originals[path] = text
            old = text.replace("\nmin_python_version:\n", "\npython_version:\n")
            if path.name != "copier.yml":
                old = old.replace("min_python_version", "python_version")
            path.write_text(old)
    return originals


# Service modules renamed since v0.0.1, in the template's package folder: old name, new name.
MODULE_RENAMES = {"tickets": "ticket_service", "events": "event_service"}


def undo_module_renames(template: Path) -> dict[Path, str | None]:
    """Give the snapshot's service modules their names from before the renames, imports too.

    Returns what restores the snapshot: each file's current text, or None for a file to delete.
    """
    package = template / "template" / "src" / "{{package_name}}"
    originals: dict[Path, str | None] = {}
    for old, new in MODULE_RENAMES.items():
        renamed = package / f"{new}.py"
        originals[renamed] = renamed.read_text()
        originals[package / f"{old}.py"] = None
        renamed.rename(package / f"{old}.py")
    for path in [*package.rglob("*.py*"), *(template / "template" / "tests").rglob("*.py*")]:
        text = path.read_text()
        old_text = text
        for old, new in MODULE_RENAMES.items():
            old_text = re.sub(rf"\b{new}\b", old, old_text)
        if old_text != text:
            originals.setdefault(path, text)
            path.write_text(old_text)
    return originals


def restore(originals: Mapping[Path, str | None]) -> None:
    """Undo `undo_answer_rename` or `undo_module_renames`."""
    for path, text in originals.items():
        if text is None:
            path.unlink()
        else:
            path.write_text(text)
