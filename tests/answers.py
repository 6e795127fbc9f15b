"""The answers the meta-tests render with: each combination one dict, named by `answers_id`."""

from typing import Any

import pytest
from _pytest.mark.structures import MarkDecorator

from template_facts import DRIVERS, POSTGRES_DRIVERS, QUESTIONS, SCOPES, choices

__all__ = ["DRIVERS", "POSTGRES_DRIVERS", "QUESTIONS", "SCOPES", "choices"]

Answer = str | bool | int
Answers = dict[str, Answer]

SCHEMA_BUILDERS = choices("test_schema")
# Every driver with every scope, on the default schema builder (create_all).
COMBINATIONS: list[Answers] = [
    {"db_driver": driver, "test_scope": scope} for driver in DRIVERS for scope in SCOPES
]
# The test harness running the migrations: every scope and every driver once (pairwise).
ALEMBIC_COMBINATIONS: list[Answers] = [
    {"db_driver": driver, "test_scope": scope, "test_schema": "alembic"}
    for driver, scope in zip(DRIVERS, SCOPES, strict=True)
]

# The newer Pythons a project may ask for, each with the variant whose suite runs on it
# (tests/test_python_versions.py); the other variants run on the minimum.
NEWER_PYTHON_VARIANTS: dict[str, Answers] = {
    "3.12": {"db_driver": "psycopg", "test_scope": "class"},
    "3.13": {"db_driver": "aiosqlite", "test_scope": "session"},
}

# The docker and ci prompts against the driver, pairwise: every pair of values of any two of
# (db_driver, docker, ci) appears in some row; the scopes rotate so each driver meets each scope.
TOGGLE_ROWS: list[Answers] = [
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


def answers_id(answers: Any) -> str:
    """`asyncpg-session`, `psycopg-function-alembic`, `aiosqlite-class-nodocker-none`..."""
    return "-".join(
        (key if value else f"no{key}") if isinstance(value, bool) else str(value)
        for key, value in answers.items()
    )


def toggle_rows(**selected: Answer) -> list[Answers]:
    """The TOGGLE_ROWS whose answers include `selected`."""
    return [row for row in TOGGLE_ROWS if all(row[key] == value for key, value in selected.items())]


def parametrize_answers(rows: list[Answers]) -> MarkDecorator:
    """Run the test once per answers dict, as its `answers` argument, named by `answers_id`."""
    return pytest.mark.parametrize("answers", rows, ids=answers_id)
