"""`alembic upgrade head`, as the generated README documents it, builds a PostgreSQL schema."""

import re
from pathlib import Path
from urllib.parse import urlsplit

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


# The server the README's commands name, and the database after it.
README_URL = re.compile(r"postgresql://postgres:postgres@127\.0\.0\.1:5432/(\w+)")


def readme_migrate_commands(project: Path) -> list[str]:
    section = (project / "README.md").read_text().split("## Database schema and migrations")[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def test_readme_migrate_commands_work_where_the_database_does_not_exist_yet(
    installed_project: Project, new_database_url: str
) -> None:
    project = installed_project()
    name = urlsplit(new_database_url).path.lstrip("/")
    commands = readme_migrate_commands(project)
    assert any("alembic upgrade head" in command for command in commands), commands

    for command in commands:
        on_the_test_server = README_URL.sub(
            lambda match: urlsplit(new_database_url)._replace(path=f"/{match[1]}").geturl(),
            command.replace("ticketing_service", name),
        )
        assert on_the_test_server != command, command
        assert_ok(run(project, "sh", "-c", on_the_test_server))

    assert table_names(new_database_url) == {"alembic_version", "events", "tickets"}
