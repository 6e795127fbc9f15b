"""`alembic upgrade head`, as the generated README documents it, builds a PostgreSQL schema."""

import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from .conftest import Project
from .helpers import assert_ok, clean_env, run


@pytest.fixture
def empty_database_url(postgres_url: str) -> Iterator[str]:
    name = f"migrate_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield urlsplit(postgres_url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(drop.format(sql.Identifier(name)))


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
