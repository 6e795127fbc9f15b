"""`alembic upgrade head` builds a PostgreSQL schema (the README's steps: test_dev_database.py)."""

import psycopg

from .rendering import Project
from .running import assert_ok, clean_env, run


def table_names(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {name for (name,) in rows}


def test_upgrade_head_builds_the_schema_the_models_describe(
    installed_project: Project, empty_database_url: str
) -> None:
    project = installed_project()
    env = clean_env(DATABASE_URL=empty_database_url)

    assert_ok(run(project, "uv", "run", "--no-sync", "alembic", "upgrade", "head", env=env))

    assert table_names(empty_database_url) == {"alembic_version", "events", "tickets"}
    # `alembic check` fails when autogenerate would write a migration: models == migrations.
    assert_ok(run(project, "uv", "run", "--no-sync", "alembic", "check", env=env))
