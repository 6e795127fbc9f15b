"""What the meta-tests, the benchmark and the noxfile share about the template.

The answers copier.yml offers (read from it, never copied by hand), and the environment in which
a generated project's commands run: its own virtualenv, not the caller's.
"""

import os
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
QUESTIONS: dict[str, Any] = yaml.safe_load((ROOT / "copier.yml").read_text())


def choices(question: str) -> list[str]:
    """The values a question accepts, straight from copier.yml."""
    options = QUESTIONS[question]["choices"]
    return list(options.values()) if isinstance(options, dict) else list(options)


def default(question: str) -> Any:
    return QUESTIONS[question]["default"]


DRIVERS = choices("db_driver")
POSTGRES_DRIVERS = [driver for driver in DRIVERS if driver != "aiosqlite"]
SCOPES = choices("test_scope")

# The test durations each variant's `.test_durations` starts with (pytest-split's file), recorded
# by scripts/record_durations.py; template/.test_durations.jinja includes the variant's own.
DURATIONS = ROOT / "includes" / "durations"


def durations_file(db_driver: str, test_scope: str) -> Path:
    """A driver and scope's file: both schema builders collect the same tests."""
    return DURATIONS / f"{db_driver}-{test_scope}.json"


# Variables by which nox's (or any outer) environment would capture a generated project's `uv`.
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PYTHONPATH"}
# Without bytecode caches every pytest process of a generated project compiles all it imports
# again (and pytest rewrites its plugins' modules again): about 5 s a run on these machines.
SLOWING_ENVIRONMENT = {"PYTHONDONTWRITEBYTECODE"}


def unset_outer_environment() -> dict[str, str | None]:
    """OUTER_ENVIRONMENT and SLOWING_ENVIRONMENT as nox's `env=` spells "unset these"."""
    return dict.fromkeys(OUTER_ENVIRONMENT | SLOWING_ENVIRONMENT)


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a generated project's commands: no outer virtualenv leaks in.

    The outer pytest's PYTEST_* variables (xdist's worker id...) and SLOWING_ENVIRONMENT are
    dropped too; an override of None removes a variable.
    """
    dropped = OUTER_ENVIRONMENT | SLOWING_ENVIRONMENT
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("PYTEST_")
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
