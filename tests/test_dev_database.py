"""A PostgreSQL project develops on PostgreSQL: the README's steps, as written, with nothing set.

A new asyncpg project (defaults, nothing configured), a Boolean column with a server default
added to a model; alembic first refuses, naming DATABASE_URL, as the database does not exist
yet; then the generated README's "Run it" set-up (without the server) and its
model-change steps, read from the README: the revision is numbered like the shipped ones,
written for PostgreSQL, applies there, and the project's suite passes. Needs the server the
README's default URL names (127.0.0.1:5432, as CI runs one).
"""

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from template_facts import NEXT_REVISION

from .history import commit_all, git
from .readers import commands_under
from .rendering import render
from .running import assert_ok, clean_env, install, output_of, run, run_suite

# The generated settings' default server, where the README's steps create the database.
DEVELOPMENT_SERVER = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
# Nothing configured: the settings' defaults.
DEFAULTS_ONLY = clean_env(DATABASE_URL=None, TEST_DATABASE_URL=None)
VIP_COLUMN = "    vip: Mapped[bool] = mapped_column(server_default=false())\n"


@pytest.fixture
def package_name() -> Iterator[str]:
    """The project's package, and so its development database: a name of this test's own."""
    name = f"vip_{secrets.token_hex(4)}"
    yield name
    with psycopg.connect(DEVELOPMENT_SERVER, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(drop.format(sql.Identifier(name)))


def add_vip_to_tickets(models: Path) -> None:
    text = models.read_text()
    anchor = "    event_id: Mapped[int | None]"
    assert anchor in text
    text = text.replace(anchor, VIP_COLUMN + anchor)
    models.write_text("from sqlalchemy import false\n" + text)


def shell(project: Path, command: str) -> None:
    result = subprocess.run(
        ["/bin/bash", "-c", command],
        cwd=project,
        env=DEFAULTS_ONLY,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, output_of(result)


def test_a_new_column_by_the_readme_on_postgresql(
    project_path: Path, package_name: str, postgres_url: str
) -> None:
    project = render(project_path / "project", db_driver="asyncpg", package_name=package_name)
    git(project, "init", "--quiet")
    commit_all(project, "Generate from the template")
    install(project)
    readme = (project / "README.md").read_text()
    setup = [line for line in commands_under(readme, "## Run it") if "fastapi dev" not in line]
    model_change = commands_under(readme, "## Database schema and migrations")

    refused = run(project, "uv", "run", "--no-sync", "alembic", "check", env=DEFAULTS_ONLY)
    assert refused.returncode != 0
    assert f'database "{package_name}" does not exist' in refused.stderr, output_of(refused)
    assert "set DATABASE_URL" in refused.stderr, output_of(refused)

    for command in setup:
        shell(project, command)
    add_vip_to_tickets(project / "src" / package_name / "models.py")
    for command in model_change:
        shell(project, command)

    versions = project / "migrations" / "versions"
    revision = (versions / f"{NEXT_REVISION}_what_changed.py").read_text()
    assert "batch_alter_table" not in revision, revision
    assert 'server_default=sa.text("false")' in revision, revision
    suite = run_suite(project, "-p", "randomly", TEST_DATABASE_URL=postgres_url)
    assert_ok(suite)
