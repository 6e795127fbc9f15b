"""What `copier copy` writes, for every driver and scope."""

import re
from pathlib import Path

import pytest
import yaml

from .answers import (
    ALEMBIC_COMBINATIONS,
    COMBINATIONS,
    DRIVERS,
    SCHEMA_BUILDERS,
    SCOPES,
    Answer,
    Answers,
    parametrize_answers,
    toggle_rows,
)
from .readers import OWNER_PLACEHOLDER, harness_source
from .rendering import Project, render

LEAKS = ("{{", "{%")
# GitHub Actions' own expressions (`${{ matrix.python }}`) are meant to be rendered as they are.
GITHUB_EXPRESSION = re.compile(r"\$\{\{ [\w.]+ \}\}")


def rendered_files(project: Path) -> list[Path]:
    return [path for path in project.rglob("*") if path.is_file() and ".git" not in path.parts]


def has_jinja(path: Path) -> bool:
    return (
        path.suffix == ".jinja"
        or any(marker in path.name for marker in LEAKS)
        or any(marker in GITHUB_EXPRESSION.sub("", path.read_text()) for marker in LEAKS)
    )


@parametrize_answers(COMBINATIONS + ALEMBIC_COMBINATIONS)
def test_no_jinja_leaks_into_rendered_files(tmp_path: Path, answers: Answers) -> None:
    project = render(tmp_path, **answers)

    leaks = [str(path.relative_to(project)) for path in rendered_files(project) if has_jinja(path)]
    assert leaks == []


@parametrize_answers(toggle_rows())
def test_no_jinja_leaks_with_any_docker_and_ci_answer(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    assert [path for path in rendered_files(project) if has_jinja(path)] == []


@pytest.mark.parametrize("test_scope", SCOPES)
def test_only_the_chosen_strategy_is_rendered(tmp_path: Path, test_scope: str) -> None:
    project = render(tmp_path, test_scope=test_scope)

    conftest = (project / "tests" / "conftest.py").read_text()
    assert f"how its tests are kept apart: {test_scope} scope." in conftest


# What only one scope uses; no other scope's project gets it (tests/conftest.py), in its
# code or in the documents it renders.
OWN_MECHANISMS = {
    "class": ["fresh_tables"],
    "function": ["empty_tables", "reset_tables"],
    "session": ["audit_isolation", "join_transaction_mode"],
}


@pytest.mark.parametrize("test_scope", SCOPES)
def test_harness_holds_only_the_chosen_scopes_mechanisms(tmp_path: Path, test_scope: str) -> None:
    project = render(tmp_path, test_scope=test_scope)

    harness = harness_source(project)
    assert [name for name in OWN_MECHANISMS[test_scope] if name not in harness] == []


@pytest.mark.parametrize("test_scope", SCOPES)
def test_no_rendered_file_names_another_scopes_mechanism(tmp_path: Path, test_scope: str) -> None:
    project = render(tmp_path, test_scope=test_scope)

    others = [
        name for scope, names in OWN_MECHANISMS.items() if scope != test_scope for name in names
    ]
    found = [
        f"{path.relative_to(project)}: {name}"
        for path in rendered_files(project)
        for name in others
        if name in path.read_text(errors="ignore")
    ]
    assert found == []


BUILDS_TABLES_WITH = {
    "create_all": "await connection.run_sync(Base.metadata.create_all, checkfirst=False)",
    "alembic": "await connection.run_sync(upgrade)",
}


@pytest.mark.parametrize("test_schema", SCHEMA_BUILDERS)
def test_the_harness_builds_tables_as_chosen(tmp_path: Path, test_schema: str) -> None:
    project = render(tmp_path, test_schema=test_schema)

    schema = (project / "tests" / "harness" / "schema.py").read_text()
    assert BUILDS_TABLES_WITH[test_schema] in schema


# Issue 21's budget for tests/conftest.py and tests/harness/, where a render meets it (the
# PostgreSQL renders and SQLite's session scope, with its auditor, do not yet).
HARNESS_WITHIN_BUDGET: list[Answers] = [
    {"db_driver": "aiosqlite", "test_scope": scope, "test_schema": schema}
    for scope in ("function", "class")
    for schema in SCHEMA_BUILDERS
]


@parametrize_answers(HARNESS_WITHIN_BUDGET)
def test_the_sqlite_harness_stays_within_300_lines(tmp_path: Path, answers: Answers) -> None:
    project = render(tmp_path, **answers)

    assert len(harness_source(project).splitlines()) <= 300


@pytest.mark.parametrize("test_schema", SCHEMA_BUILDERS)
def test_every_project_has_its_migrations(tmp_path: Path, test_schema: str) -> None:
    project = render(tmp_path, test_schema=test_schema)

    assert (project / "alembic.ini").is_file()
    assert (project / "migrations" / "env.py").is_file()
    assert (project / "migrations" / "versions" / "0001_events_and_tickets.py").is_file()


def test_sqlite_projects_have_no_postgres_provider(tmp_path: Path) -> None:
    project = render(tmp_path, db_driver="aiosqlite")

    # Their databases.py makes SQLite files: there is no server to choose or start.
    databases = (project / "tests" / "harness" / "databases.py").read_text()
    assert "def database_url" in databases
    assert not re.search("embedded|testcontainers|TEST_DATABASE", databases, re.I)
    pyproject = (project / "pyproject.toml").read_text()
    assert not re.search("asyncpg|psycopg|embedded|testcontainers|database_provider", pyproject)


def test_answers_file_records_the_answers(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Box Office", db_driver="psycopg", test_scope="class")

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["package_name"] == "box_office"
    assert (answers["db_driver"], answers["test_scope"]) == ("psycopg", "class")
    assert "_commit" in answers
    assert "_src_path" in answers


def test_package_name_is_derived_from_the_project_name(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="My Great Shop!")

    assert (project / "src" / "my_great_shop" / "main.py").is_file()
    assert 'entrypoint = "my_great_shop.main:app"' in (project / "pyproject.toml").read_text()


LOCAL_DOCS_LINK = re.compile(r"\]\((docs/[\w/-]+\.md)")


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_readme_links_to_the_projects_own_docs(tmp_path: Path, db_driver: str) -> None:
    project = render(tmp_path, db_driver=db_driver)

    linked = set(LOCAL_DOCS_LINK.findall((project / "README.md").read_text()))
    assert {"docs/testing.md", "docs/troubleshooting.md"} <= linked
    assert [page for page in linked if not (project / page).is_file()] == []


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_a_rendered_project_has_no_owner_placeholder(tmp_path: Path, db_driver: str) -> None:
    project = render(tmp_path, db_driver=db_driver)

    assert [
        str(p) for p in rendered_files(project) if OWNER_PLACEHOLDER.search(p.read_text())
    ] == []
