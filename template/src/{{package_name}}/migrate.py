"""`alembic upgrade head` from inside the service, on a connection it already holds.

migrations/env.py runs on the connection it is given (`config.attributes["connection"]`), in its
transaction. The SQLite development database builds its schema this way on start, so it is one
that `alembic check` and `alembic revision --autogenerate` understand.
"""

import os
import sys
from functools import cache
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

# Databases made before the template built them with the migrations hold this revision's tables
# (from `metadata.create_all`) and no `alembic_version`.
FIRST_REVISION = "0001"

# A checkout (editable install) finds the project's alembic.ini; an installed package (the
# Docker image) is told where it is by ALEMBIC_CONFIG, the variable alembic's own CLI reads.
PROJECT_ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def alembic_config(connection: Connection | None = None, stdout: TextIO | None = None) -> Config:
    path = Path(os.environ.get("ALEMBIC_CONFIG") or PROJECT_ALEMBIC_INI)
    if not path.is_file():
        raise FileNotFoundError(
            f"No Alembic configuration at {path}: set ALEMBIC_CONFIG to the path of alembic.ini"
        )
    config = Config(path, stdout=stdout or sys.stdout)  # where `alembic check` prints
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    config = alembic_config(connection)
    tables = set(inspect(connection).get_table_names())
    if "tickets" in tables and "alembic_version" not in tables:
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, revision)


@cache
def older_revisions() -> frozenset[str]:
    """The revisions the package ships before its head."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions()) - set(
        script.get_heads()
    )


def is_behind(connection: Connection) -> bool:
    """Whether the database is at a revision older than the package's head. One without
    `alembic_version` (tables from `metadata.create_all`) or at a newer revision is not."""
    current = MigrationContext.configure(connection).get_current_heads()
    return not older_revisions().isdisjoint(current)
