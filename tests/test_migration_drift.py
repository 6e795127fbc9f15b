"""The generated drift test (tests/test_migrations.py) fails on every model change that needs a
migration: a server default and a column type included, not only tables and columns."""

from pathlib import Path

import pytest

from .editing import restored
from .rendering import render
from .running import install, new_project_folder, output_of, run_suite

MODELS = "src/ticketing_service/models.py"
CHANGES_WITHOUT_A_MIGRATION = [
    pytest.param(
        "    sold_to: Mapped[str | None] = mapped_column(String(255), default=None)\n",
        "    sold_to: Mapped[str | None] = mapped_column(\n"
        '        String(255), default=None, server_default="nobody"\n'
        "    )\n",
        id="server-default-added",
    ),
    pytest.param("    price: Mapped[int]\n", "    price: Mapped[float]\n", id="integer-to-float"),
]


@pytest.fixture(scope="module")
def project() -> Path:
    return install(render(new_project_folder("drift-"), db_driver="psycopg"))


@pytest.mark.parametrize(("line", "changed"), CHANGES_WITHOUT_A_MIGRATION)
def test_a_model_change_without_a_migration_fails_the_drift_test(
    project: Path, line: str, changed: str
) -> None:
    models = project / MODELS
    with restored(models):
        original = models.read_text()
        assert line in original
        models.write_text(original.replace(line, changed))
        result = run_suite(project, "tests/test_migrations.py", "-p", "no:randomly")

    assert result.returncode == 1, output_of(result)
    assert "FAILED tests/test_migrations.py::test_upgrade_head_builds_what_the_models_describe" in (
        result.stdout
    ), output_of(result)
