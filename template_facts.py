"""What the meta-tests and the benchmark share about the template.

The answers copier.yml offers (read from it, never copied by hand); the environment in which a
generated project's commands run in is project_env's `clean_env` (re-exported here).
"""

from pathlib import Path
from typing import Any

import yaml

from project_env import clean_env

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

# The template's newest migration, and the one a test adds after it (files NNNN_slug.py, whose
# revision is NNNN): tests that write a migration stay right when the template gets another.
MIGRATIONS = ROOT / "template" / "migrations" / "versions"
HEAD_REVISION = max(path.name[:4] for path in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
NEXT_REVISION = f"{int(HEAD_REVISION) + 1:04d}"

# The test durations each variant's `.test_durations` starts with (pytest-split's file), recorded
# by scripts/record_durations.py; template/.test_durations.jinja includes the variant's own.
DURATIONS = ROOT / "includes" / "durations"


def durations_file(db_driver: str, test_scope: str) -> Path:
    """A driver and scope's file: both schema builders collect the same tests."""
    return DURATIONS / f"{db_driver}-{test_scope}.json"


__all__ = ["clean_env"]
