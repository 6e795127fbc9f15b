"""--reuse-db: a generated PostgreSQL suite keeps its prepared database (and the embedded
server's data) between runs, and builds it again when the schema changes. (SQLite builds each
process's file itself: there is nothing to keep.)"""

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from .answers import Answers, parametrize_answers
from .editing import A_NEW_TIER, SOLD_TO, TIERS_ON_TICKETS, edit
from .rendering import Project, render
from .running import (
    install,
    output_of,
    recording_schema_builds,
    run_suite,
    schema_builds,
)

# PostgreSQL on the embedded server, whose data folder is kept too.
POSTGRES_REUSE: Answers = {
    "db_driver": "asyncpg",
    "test_scope": "function",
    "project_name": "Reuse Check",
}
REUSE_ROWS: list[Answers] = [POSTGRES_REUSE]
SOME_TESTS = "tests/test_tickets.py"
NEW_COLUMN = """\
    note: Mapped[str | None] = mapped_column(String(20), default=None)
"""
NEW_COLUMN_AFTER = SOLD_TO
# Each change: (what the models become before the first run, the change after it).
MODEL_CHANGES = {
    "a-new-column": ([], [(NEW_COLUMN_AFTER, NEW_COLUMN_AFTER + NEW_COLUMN)]),
    "a-new-enum-member": (TIERS_ON_TICKETS, A_NEW_TIER),
}


@pytest.fixture
def kept_here() -> Iterator[Path]:
    """The temp directory of this test's runs, where they keep what --reuse-db keeps (tests
    running beside it keep theirs elsewhere); afterwards deleted, as a user would: stop the
    server, delete."""
    folder = Path(tempfile.mkdtemp(prefix="reuse-"))
    yield folder
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(folder) in " ".join(
            process.info["cmdline"] or []
        ):
            process.terminate()
    shutil.rmtree(folder, ignore_errors=True)


def reusing_run(project: Path, kept_in: Path, *args: str, url: str | None = None) -> int:
    """How many times the run built the schema (its processes that did not copied what was kept);
    on the embedded server, or on the server at `url`."""
    recording = kept_in / "recording"
    recording.mkdir(exist_ok=True)
    result = run_suite(
        project,
        "-p",
        "schema_builds",
        *args,
        SOME_TESTS,
        TEST_DATABASE_URL=url,
        TEST_DATABASE_PROVIDER="auto",
        TMPDIR=str(kept_in),
        **recording_schema_builds(recording),
    )
    assert result.returncode == 0, output_of(result)
    return schema_builds(recording)


def failing_reusing_run(project: Path, kept_in: Path) -> str:
    """A `--reuse-db` run of SOME_TESTS that fails: its output."""
    result = run_suite(
        project,
        "--reuse-db",
        SOME_TESTS,
        TEST_DATABASE_URL=None,
        TEST_DATABASE_PROVIDER="auto",
        TMPDIR=str(kept_in),
    )
    assert result.returncode != 0, output_of(result)
    return result.stdout


@parametrize_answers(REUSE_ROWS)
def test_a_second_run_reuses_the_prepared_database(
    installed_project: Project, answers: Answers, kept_here: Path
) -> None:
    project = installed_project(**answers)

    first = reusing_run(project, kept_here, "--reuse-db")
    second = reusing_run(project, kept_here, "--reuse-db")

    assert (first, second) == (1, 0)


def test_roles_sharing_a_server_each_keep_a_prepared_database(
    installed_project: Project, role_url: Callable[[str], str], kept_here: Path
) -> None:
    """Colleagues on one server, each with a role of their own: PostgreSQL lets no role copy or
    drop another's database."""
    project = installed_project(**POSTGRES_REUSE)
    alice, bob = role_url("CREATEDB"), role_url("CREATEDB")

    builds = [
        reusing_run(project, kept_here, "--reuse-db", url=url) for url in (alice, bob, alice, bob)
    ]

    assert builds == [1, 1, 0, 0]


@pytest.mark.parametrize(("before", "change"), MODEL_CHANGES.values(), ids=MODEL_CHANGES)
@parametrize_answers(REUSE_ROWS)
def test_a_model_change_builds_the_kept_database_again(
    project_path: Path,
    answers: Answers,
    kept_here: Path,
    before: list[tuple[str, str]],
    change: list[tuple[str, str]],
) -> None:
    project = install(render(project_path, **answers))
    models = project / "src/reuse_check/models.py"
    edit(models, before)
    assert reusing_run(project, kept_here, "--reuse-db") == 1
    edit(models, change)

    after_the_change = reusing_run(project, kept_here, "--reuse-db")
    again = reusing_run(project, kept_here, "--reuse-db")

    assert (after_the_change, again) == (1, 0)


def test_a_model_change_without_its_migration_is_named_with_a_kept_database(
    project_path: Path, kept_here: Path
) -> None:
    """test_schema=alembic: the models' modules are part of the fingerprint, so the kept
    database is built again, and `alembic check` after the build names the change."""
    answers: Answers = {**POSTGRES_REUSE, "test_schema": "alembic"}
    project = install(render(project_path, **answers))
    models = project / "src/reuse_check/models.py"
    assert reusing_run(project, kept_here, "--reuse-db") == 1
    edit(models, [(NEW_COLUMN_AFTER, NEW_COLUMN_AFTER + NEW_COLUMN)])

    output = failing_reusing_run(project, kept_here)

    assert "New upgrade operations detected: [('add_column'" in output


@parametrize_answers(REUSE_ROWS)
def test_create_db_builds_once_for_all_workers(
    installed_project: Project, answers: Answers, kept_here: Path
) -> None:
    project = installed_project(**answers)
    reusing_run(project, kept_here, "--reuse-db")

    builds = reusing_run(project, kept_here, "-n", "2", "--create-db")

    assert builds == 1


def test_a_kept_server_that_cannot_start_says_why_and_how_to_start_afresh(
    installed_project: Project, kept_here: Path
) -> None:
    project = installed_project(**POSTGRES_REUSE)
    reusing_run(project, kept_here, "--reuse-db")
    (data,) = kept_here.glob("embedded-postgres-kept-*")
    with (data / "postgresql.auto.conf").open("a") as settings:
        settings.write("shared_buffers = 'plenty'\n")

    output = failing_reusing_run(project, kept_here)

    assert "The test database provider 'embedded' could not start" in output
    assert 'invalid value for parameter "shared_buffers": "plenty"' in output
    assert f"delete {data} to start a new one" in output
