"""`.test_durations`: every project starts with the durations of its own variant's tests.

pytest-split counts a test its file does not name as an average one, so a file that misses
the slow tests splits the suite unevenly. `nox -s durations` records the files again.
"""

import json
from pathlib import Path

import pytest

from template_facts import DURATIONS, durations_file

from .answers import (
    ALEMBIC_COMBINATIONS,
    COMBINATIONS,
    DRIVERS,
    SCOPES,
    Answers,
    parametrize_answers,
)
from .rendering import Project
from .shards import listed_run

# Every db_driver x test_scope, and the alembic rows: both schema builders collect the same
# tests, and share a file. Installed projects are shared with the other meta-tests.
VARIANTS: list[Answers] = COMBINATIONS + ALEMBIC_COMBINATIONS


def durations_of(answers: Answers) -> Path:
    return durations_file(str(answers["db_driver"]), str(answers["test_scope"]))


@parametrize_answers(VARIANTS)
def test_the_durations_name_every_test_the_project_collects(
    installed_project: Project, answers: Answers, tmp_path: Path
) -> None:
    project = installed_project(**answers)
    shipped = json.loads((project / ".test_durations").read_text())

    collected = listed_run(project, "uv run --no-sync pytest --collect-only -q", tmp_path / "run")

    assert collected.selected, collected.result.stdout
    unrecorded = [test for test in collected.selected if test not in shipped]
    variant = f"{answers['db_driver']}-{answers['test_scope']}"
    assert unrecorded == [], (
        f"{len(unrecorded)} tests have no recorded duration; record the variant's again:"
        f" TEST_DATABASE_URL=... nox -s durations -- {variant}"
    )


@parametrize_answers(VARIANTS)
def test_a_project_starts_with_its_variants_durations(
    rendered_project: Project, answers: Answers
) -> None:
    project = rendered_project(**answers)

    assert (project / ".test_durations").read_text() == durations_of(answers).read_text()


def test_every_durations_file_belongs_to_a_variant() -> None:
    variants = {durations_file(driver, scope) for driver in DRIVERS for scope in SCOPES}

    assert sorted(set(DURATIONS.glob("*")) - variants) == []


@pytest.mark.parametrize("path", ["README.md", "docs/testing.md"])
def test_the_project_documents_how_to_record_its_durations_again(
    rendered_project: Project, path: str
) -> None:
    text = (rendered_project() / path).read_text()

    assert "uv run pytest --store-durations --clean-durations" in text
